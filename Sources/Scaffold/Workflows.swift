/// The GitHub Actions workflows of the loop, in one place: `init --ci github` writes them,
/// `.ci/run` writes them out and checks them (GitHub's schema, zizmor, the loop's rules),
/// and the README explains them without holding a second copy.
///
/// Actions are pinned by commit, with the version in a comment; permissions are declared
/// per job; no checkout keeps credentials unless the job pushes, and those jobs upload
/// nothing from the checkout. Each workflow carries its own build job (written once, here)
/// rather than calling a shared workflow file, so what a run executes is the one file
/// GitHub took from the default branch.
enum Workflows {
    struct Workflow {
        var name: String
        var text: String
    }

    static let all = [
        Workflow(name: "simfleet-plan", text: plan),
        Workflow(name: "simfleet-apply", text: apply),
        Workflow(name: "simfleet-drift", text: drift),
        Workflow(name: "simfleet-terminate", text: terminate),
        Workflow(name: "simfleet-break-glass", text: breakGlass),
    ]

    /// The simfleet binary for the workflow's other jobs. By default the release tarball of
    /// `SIMFLEET_REF`, checked against `SIMFLEET_SHA256`; for a ref without a release, built
    /// from source in an image pinned by digest. Nothing is cached: a cache entry can be
    /// written by any job of the repository, so it could carry a binary and its checksum
    /// together. The expected SHA-256 comes from a repository variable only administrators
    /// set, and reaches the jobs that run the binary as this job's output, never inside the
    /// artifact it checks. Every variable is validated before the shell uses it.
    static func buildJob(if condition: String?) -> String {
        let guardLine = condition.map { "    if: \($0)\n" } ?? ""
        return #"""
          build:
        """# + "\n" + guardLine + #"""
            runs-on: ubuntu-24.04
            permissions:
              contents: read
            outputs:
              sha256: ${{ steps.binary.outputs.sha256 }}
            env:
              SIMFLEET_REPOSITORY: ${{ vars.SIMFLEET_REPOSITORY }}   # e.g. your-org/simfleet
              SIMFLEET_REF: ${{ vars.SIMFLEET_REF }}                 # a release tag, e.g. v0.1.0
              SIMFLEET_SHA256: ${{ vars.SIMFLEET_SHA256 }}           # the release tarball's line in SHA256SUMS
              SIMFLEET_BUILD_IMAGE: ${{ vars.SIMFLEET_BUILD_IMAGE }} # only for a ref without a release: swift:6.1-noble@sha256:...
            steps:
              - name: Check where simfleet comes from
                run: |
                  fail() { echo "::error::$1 (Settings, Secrets and variables, Actions, Variables; SIMFLEET.md says how)."; exit 1; }
                  [[ "$SIMFLEET_REPOSITORY" =~ ^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$ ]] || fail "Set SIMFLEET_REPOSITORY to owner/name"
                  [[ "$SIMFLEET_REF" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$ ]] || fail "Set SIMFLEET_REF to a release tag such as v0.1.0"
                  [[ "$SIMFLEET_SHA256" =~ ^([0-9a-f]{64})?$ ]] || fail "SIMFLEET_SHA256 must be 64 lowercase hex digits"
                  [[ "$SIMFLEET_BUILD_IMAGE" =~ ^([a-z0-9./_:-]{1,200}@sha256:[0-9a-f]{64})?$ ]] || fail "SIMFLEET_BUILD_IMAGE must be pinned by digest (name@sha256:...)"
                  [ -n "$SIMFLEET_SHA256" ] || [ -n "$SIMFLEET_BUILD_IMAGE" ] \
                    || fail "Set SIMFLEET_SHA256 to the release tarball's SHA-256, or SIMFLEET_BUILD_IMAGE to build a ref without a release"
              - name: Download the release binary, checked against SIMFLEET_SHA256
                if: vars.SIMFLEET_SHA256 != ''
                env:
                  GH_TOKEN: ${{ github.token }}
                run: |
                  mkdir -p "$RUNNER_TEMP/release" bin
                  name="simfleet-$SIMFLEET_REF-linux-x86_64.tar.gz"
                  gh release download "$SIMFLEET_REF" --repo "$SIMFLEET_REPOSITORY" --pattern "$name" --dir "$RUNNER_TEMP/release"
                  (cd "$RUNNER_TEMP/release" && echo "$SIMFLEET_SHA256  $name" | sha256sum --check --strict)
                  tar -xzf "$RUNNER_TEMP/release/$name" -C bin simfleet
              - name: Check out simfleet, for a ref without a release
                if: vars.SIMFLEET_SHA256 == ''
                uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
                with:
                  repository: ${{ env.SIMFLEET_REPOSITORY }}
                  ref: ${{ env.SIMFLEET_REF }}
                  path: simfleet-source
                  persist-credentials: false
              - name: Build it in the image pinned by digest, packages pinned by a dated snapshot
                if: vars.SIMFLEET_SHA256 == ''
                run: |
                  # Static: the Swift runtime and libyaml linked in, so the runner needs nothing.
                  docker run --rm -v "$PWD/simfleet-source:/source" -w /source "$SIMFLEET_BUILD_IMAGE" bash -c \
                    'apt-get update -qq --snapshot 20261201T000000Z && apt-get install -y -qq --snapshot 20261201T000000Z libyaml-dev pkg-config git && git config --global --add safe.directory /source && .ci/build-static .build-static'
                  mkdir -p bin
                  cp simfleet-source/.build-static/release/simfleet bin/simfleet
              - name: Record the binary's SHA-256 for the jobs that run it
                id: binary
                run: echo "sha256=$(sha256sum bin/simfleet | cut -c1-64)" >> "$GITHUB_OUTPUT"
              - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
                with:
                  name: simfleet-${{ github.run_id }}-${{ github.run_attempt }}
                  path: bin/
                  retention-days: 1
        """#
    }

    /// The build job's binary, checked against the SHA-256 the build job gave as an output
    /// (not a file of the artifact), unpacked in a job. It needs nothing installed, and the
    /// jobs install nothing: jq, which two of them use, comes with GitHub's runner image.
    static func installBinary() -> String {
        #"""
              - uses: actions/download-artifact@634f93cb2916e3fdff6788551b99b062d0335ce0 # v5.0.0
                with:
                  name: simfleet-${{ github.run_id }}-${{ github.run_attempt }}
                  path: bin
              - name: Check the binary against the build job's SHA-256
                env:
                  EXPECTED: ${{ needs.build.outputs.sha256 }}
                run: |
                  [[ "$EXPECTED" =~ ^[0-9a-f]{64}$ ]] || { echo "::error::The build job gave no SHA-256"; exit 1; }
                  echo "$EXPECTED  bin/simfleet" | sha256sum --check --strict
              - run: chmod +x bin/simfleet
        """#
    }

    /// The pinned checkout, the one place its version is written. `history`: why the job
    /// needs every commit and tag (nil: the tip only). `pushes`: why the job keeps the
    /// token in the checkout (nil: it does not).
    static func checkout(name: String? = nil, ref: String? = nil, history: String?, pushes: String? = nil) -> String {
        var lines = ["      - " + (name.map { "name: \($0)\n        " } ?? "") + "uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0",
                     "        with:"]
        if let ref { lines.append("          ref: \(ref)") }
        if let history { lines.append("          fetch-depth: 0" + (history.isEmpty ? "" : "   # \(history)")) }
        lines.append(pushes.map { "          persist-credentials: true   # \($0)" } ?? "          persist-credentials: false")
        return lines.joined(separator: "\n")
    }

    /// What acts on SIMs runs from `main` only: the job's condition says so, and this first
    /// step refuses again, so a job condition edited away still stops here.
    static let mainOnly = #"""
              - name: Only main acts on SIMs
                if: github.ref != 'refs/heads/main'
                run: exit 1
        """#
}
