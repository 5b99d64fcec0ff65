/// The shell both forges' jobs share, written once: how each job reads simfleet's exit
/// status, the checks before the shell uses an input, and the arguments every forge builds
/// the same way. `fail` and `warn` are how a forge's log shows a line (GitHub's `::error::`
/// annotations, GitLab's plain lines through the pipeline's `fail` function).
struct LoopSteps: Sendable {
    let fail: @Sendable (String) -> String
    let warn: @Sendable (String) -> String

    static let github = LoopSteps(fail: { "echo \"::error::\($0)\"; exit 1" }, warn: { "echo \"::warning::\($0)\"" })
    static let gitlab = LoopSteps(fail: { "fail \"\($0)\"" }, warn: { "echo \"warning: \($0)\"" })

    /// Whether the change since `origin/$base` leaves the manifests and settings alone:
    /// names only, tree to tree, so no work tree, index, driver or hook is involved.
    static func touchesNothing(since base: String) -> String {
        #"git -c core.fsmonitor=false -c core.hooksPath=/dev/null diff --no-ext-diff --no-textconv --quiet "origin/$\#(base)...HEAD" -- manifests simfleet.yaml"#
    }

    /// `since` for a change request's plan: everything since the tag, its own steps told
    /// apart from those merged earlier (`--pull-request-base`); every SIM before the first apply.
    static func sinceTag(pullRequestBase base: String) -> String {
        #"""
        since=()
        if git rev-parse -q --verify "refs/tags/simfleet/applied^{commit}" > /dev/null; then
          since=(--changed-since simfleet/applied --pull-request-base "origin/$\#(base)")
        fi   # no tag yet: the first plan covers every SIM
        """#
    }

    /// `since` for the plan an apply carries out: since the tag, or every SIM for scope full.
    static func sinceTag(scope: String) -> String {
        #"""
        since=()
        if [ "$\#(scope)" != full ] && git rev-parse -q --verify "refs/tags/simfleet/applied^{commit}" > /dev/null; then
          since=(--changed-since simfleet/applied)
        fi   # no tag yet, or scope full: every SIM
        """#
    }

    /// A change request's plan: 0 no changes, 2 changes; 1 and 5 fail, `comment` saying why.
    func reviewStatus(comment: String) -> String {
        """
        # 0 no changes, 2 changes. 1 no plan, and 5 SIMs this change touches could not be
        # planned: the \(comment) says why, and the check fails.
        # Anything else is a crash.
        case "$code" in
          0|2) ;;
          1|5) \(fail("The plan has errors; the \(comment) lists them.")) ;;
          *) \(fail("simfleet plan stopped with status $code")) ;;
        esac
        """
    }

    /// The plan an apply carries out: 5 still goes ahead with the SIMs that could be planned.
    func applyPlanStatus() -> String {
        """
        # 0 planned; 5 planned, but some SIMs could not be: the plan file holds the valid
        # steps and the errors, so a reviewed repair still goes ahead and apply exits 3.
        case "$code" in
          0) ;;
          5) \(warn("Some SIMs could not be planned; the plan's steps for the others are applied after approval, and apply reports the rest.")) ;;
          *) \(fail("simfleet plan made no plan (status $code)")) ;;
        esac
        """
    }

    /// The drift check: 0, 2 and 5 are all in the issue; anything else made no plan.
    func driftStatus() -> String {
        """
        # 0 no drift, 2 drift, 5 drift with SIMs that could not be read: all in the issue.
        # 1 (no plan at all) or anything else (a crash): the run fails.
        case "$code" in 0|2|5) ;; *) \(fail("simfleet plan made no plan (status $code)")) ;; esac
        """
    }

    /// Apply's own status, but for 4 (only declared terminations wait for their allowance).
    static let applyStatus = """
        # 0 converged, 4 converged but for terminations awaiting the terminate job; anything
        # else fails the job with apply's own status (3: the report says what is left).
        case "$code" in 0|4) ;; *) exit "$code" ;; esac
        """

    /// Break glass: push what keeps the SIMs blocked when any were blocked.
    static let breakGlassStatus = """
        # 0 all blocked, 3 some: push what keeps them blocked. 1 (nothing sent) or anything else: stop.
        case "$code" in 0|3) ;; *) exit "$code" ;; esac
        """

    /// `$variable`'s ICCs, checked, as `--target ICC --allow-terminate ICC` pairs in `args`.
    func terminateArguments(_ variable: String) -> String {
        #"""
        [[ "$\#(variable)" =~ ^[0-9\ ]{1,4000}$ ]] || { \#(fail("\(variable): ICCs (digits) separated by spaces")); }
        read -ra iccs <<< "$\#(variable)"   # never evaluated; simfleet rejects anything not an ICC
        args=()
        for icc in "${iccs[@]}"; do args+=(--target "$icc" --allow-terminate "$icc"); done
        """#
    }

    /// `$variable` shards, checked before any arithmetic (bash evaluates what `$(( ))` is
    /// given as code), and tonight's shard of them in `shard`.
    func shards(_ variable: String) -> String {
        #"""
        # Checked before any arithmetic: bash evaluates what $(( )) is given as code.
        [[ "$\#(variable)" =~ ^[1-9][0-9]{0,3}$ ]] || { \#(fail("shards is a whole number from 1 to 9999")); }
        shard=$(( 10#$(date -u +%j) % \#(variable) + 1 ))
        """#
    }
}

extension String {
    /// Every line indented by `count` spaces, for a snippet set into a YAML block.
    func indented(_ count: Int) -> String {
        let pad = String(repeating: " ", count: count)
        return split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}
