extension Workflows {
    static let plan = #"""
    # simfleet: plan every pull request against the live fleet and keep one comment on it.
    #
    # The key must never reach code a branch pusher controls, so this runs on
    # pull_request_target: GitHub takes this file from the base branch, never from the
    # pull request, and the binary is built from the simfleet the repository variables name.
    # The pull request's manifests are checked out and read by simfleet as data; no step
    # runs anything from them. The nexcon-plan environment admits main only, and only this
    # repository's own branches are planned with it; a fork's pull request gets a
    # declared-only plan (plan --offline), made with no key (SIMFLEET.md).
    name: simfleet plan
    on:
      pull_request_target: # zizmor: ignore[dangerous-triggers] runs only the base branch's workflow and binary; the pull request's files are read as data
        types: [opened, synchronize, reopened]
        # No paths filter: the plan job reports on every pull request, so it can be a
        # required check; one that touches no manifest passes at once.
    permissions: {}
    concurrency:
      group: simfleet-plan-${{ github.event.pull_request.number }}
      cancel-in-progress: true
    jobs:
    \#(buildJob(if: nil))
    \#(planJob(fork: false))
          - name: Annotate the manifests (no secrets needed)
            if: steps.scope.outputs.planned == 'true'
            run: bin/simfleet validate --format github manifests || [ $? -eq 1 ]   # 1: annotated mistakes; a crash fails
          - name: Plan everything the apply after merge would do, and keep the pull request's comment
            if: steps.scope.outputs.planned == 'true'
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              GITHUB_TOKEN: ${{ github.token }}
              BASE_REF: ${{ github.base_ref }}
            run: |
              [[ "$BASE_REF" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$ ]] || { echo "::error::Unexpected base branch name"; exit 1; }
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
    \#(LoopSteps.sinceTag(pullRequestBase: "BASE_REF").indented(10))
              # simfleet edits its one comment in place, headed by the commit; when it cannot
              # plan (invalid manifests, a bad key), the comment shows why instead.
              set +e
              # The plan file goes under RUNNER_TEMP, which no checked-out file can occupy.
              bin/simfleet plan "${since[@]}" --pr-comment --format markdown --detailed-exitcode --out "$RUNNER_TEMP/plan.json" manifests > /dev/null
              code=$?
              set -e
    \#(LoopSteps.github.reviewStatus(comment: "pull request's comment").indented(10))
    \#(blastRadiusStep)
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always() && steps.scope.outputs.planned == 'true'
            with:
              name: simfleet-plan-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}/plan.json
              if-no-files-found: ignore

      # A fork's pull request: no environment, no key; what the change does to the declared
      # states, as the same one comment.
    \#(planJob(fork: true))
          - name: Plan what the change does to the declared states, with no key, and keep the pull request's comment
            if: steps.scope.outputs.planned == 'true'
            env:
              GITHUB_TOKEN: ${{ github.token }}
              BASE_REF: ${{ github.base_ref }}
            run: |
              [[ "$BASE_REF" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$ ]] || { echo "::error::Unexpected base branch name"; exit 1; }
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
              set +e
              bin/simfleet plan --offline --changed-since "origin/$BASE_REF" --pr-comment --format markdown --detailed-exitcode \
                --out "$RUNNER_TEMP/plan.json" manifests > /dev/null
              code=$?
              set -e
    \#(LoopSteps.github.reviewStatus(comment: "pull request's comment").indented(10))
    \#(blastRadiusStep)

    """#

    /// Whether the pull request touches the manifests or the settings: the plan jobs' first
    /// step after the checkout, so one that changes neither passes at once.
    static let scopeStep = #"""
          - name: Does this pull request touch the manifests or the settings?
            id: scope
            env:
              BASE_REF: ${{ github.base_ref }}
            run: |
              [[ "$BASE_REF" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$ ]] || { echo "::error::Unexpected base branch name"; exit 1; }
              # Names only, tree to tree: no work tree, index, driver or hook is involved.
              if \#(LoopSteps.touchesNothing(since: "BASE_REF")); then
                echo "planned=false" >> "$GITHUB_OUTPUT"
                echo "This pull request changes no manifest and no setting: nothing to plan; the check passes."
              else
                echo "planned=true" >> "$GITHUB_OUTPUT"
              fi
    """#

    /// The plan file's blast radius fails the check, where a reviewer sees it.
    static let blastRadiusStep = #"""
          - name: Fail the check on a blast-radius overrun
            if: steps.scope.outputs.planned == 'true'
            run: jq -e '.blastRadius.exceeded == false' "$RUNNER_TEMP/plan.json" > /dev/null || { echo "::error::The plan exceeds the blast radius; after merge, apply it only through the apply workflow's accept-blast-radius input."; exit 1; }
    """#

    /// A plan job up to its plan: this repository's branches, with the environment that
    /// holds the key, or a fork's, with neither; checked out as data, scoped, the binary checked.
    static func planJob(fork: Bool) -> String {
        let head = fork ? """
              plan-fork:
                needs: build
                if: github.event.pull_request.head.repo.full_name != github.repository
                runs-on: ubuntu-24.04
            """ : """
              plan:
                needs: build
                if: github.event.pull_request.head.repo.full_name == github.repository
                runs-on: ubuntu-24.04
                environment: nexcon-plan   # the key that reads statuses; admits main only
            """
        let history = fork ? "history: the plan compares the change with the base branch" : "history and tags: --changed-since needs every commit since the tag"
        return head + "\n" + #"""
                permissions:
                  contents: read
                  pull-requests: write   # the one plan comment
                steps:
            """# + "\n" + checkout(name: "Check out the \(fork ? "fork" : "pull request")'s manifests, as data",
                                 ref: "${{ github.event.pull_request.head.sha }}", history: history)
            + "\n" + scopeStep + "\n" + installBinary()
    }
}
