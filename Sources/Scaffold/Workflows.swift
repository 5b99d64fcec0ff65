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

    /// What acts on SIMs runs from `main` only: the job's condition says so, and this first
    /// step refuses again, so a job condition edited away still stops here.
    static let mainOnly = #"""
              - name: Only main acts on SIMs
                if: github.ref != 'refs/heads/main'
                run: exit 1
        """#

    static let plan = #"""
    # simfleet: plan every pull request against the live fleet and keep one comment on it.
    #
    # The key must never reach code a branch pusher controls, so this runs on
    # pull_request_target: GitHub takes this file from the base branch, never from the
    # pull request, and the binary is built from the simfleet the repository variables name. The pull request's manifests are
    # checked out and read by simfleet as data; no step runs anything from them. Forks are
    # not planned, and the nexcon-plan environment admits main only (SIMFLEET.md).
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
    \#(buildJob(if: "github.event.pull_request.head.repo.full_name == github.repository"))
      plan:
        needs: build
        runs-on: ubuntu-24.04
        environment: nexcon-plan   # the key that reads statuses; admits main only
        permissions:
          contents: read
          pull-requests: write   # the one plan comment
        steps:
          - name: Check out the pull request's manifests, as data
            uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
            with:
              ref: ${{ github.event.pull_request.head.sha }}
              fetch-depth: 0   # history and tags: --changed-since needs every commit since the tag
              persist-credentials: false
          - name: Does this pull request touch the manifests or the settings?
            id: scope
            env:
              BASE_REF: ${{ github.base_ref }}
            run: |
              [[ "$BASE_REF" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$ ]] || { echo "::error::Unexpected base branch name"; exit 1; }
              # Names only, tree to tree: no work tree, index, driver or hook is involved.
              if git -c core.fsmonitor=false -c core.hooksPath=/dev/null diff --no-ext-diff --no-textconv --quiet \
                   "origin/$BASE_REF...HEAD" -- manifests simfleet.yaml; then
                echo "planned=false" >> "$GITHUB_OUTPUT"
                echo "This pull request changes no manifest and no setting: nothing to plan; the check passes."
              else
                echo "planned=true" >> "$GITHUB_OUTPUT"
              fi
    \#(installBinary())
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
              since=()
              if git rev-parse -q --verify "refs/tags/simfleet/applied^{commit}" > /dev/null; then
                since=(--changed-since simfleet/applied --pull-request-base "origin/$BASE_REF")
              fi   # no tag yet: the first plan covers every SIM
              # simfleet edits its one comment in place, headed by the commit; when it cannot
              # plan (invalid manifests, a bad key), the comment shows why instead.
              set +e
              # The plan file goes under RUNNER_TEMP, which no checked-out file can occupy.
              bin/simfleet plan "${since[@]}" --pr-comment --format markdown --detailed-exitcode --out "$RUNNER_TEMP/plan.json" manifests > /dev/null
              code=$?
              set -e
              # 0 no changes, 2 changes. 1 no plan and 5 SIMs this change touches could not be
              # planned: the comment says why, and the check fails. Anything else is a crash.
              case "$code" in
                0|2) ;;
                1|5) echo "::error::The plan has errors; the pull request's comment lists them."; exit 1 ;;
                *) echo "::error::simfleet plan stopped with status $code"; exit 1 ;;
              esac
          - name: Fail the check on a blast-radius overrun
            if: steps.scope.outputs.planned == 'true'
            run: jq -e '.blastRadius.exceeded == false' "$RUNNER_TEMP/plan.json" > /dev/null || { echo "::error::The plan exceeds the blast radius; after merge, apply it only through the apply workflow's accept-blast-radius input."; exit 1; }
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always() && steps.scope.outputs.planned == 'true'
            with:
              name: simfleet-plan-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}/plan.json
              if-no-files-found: ignore

    """#

    static let apply = #"""
    # simfleet: on merge to main, plan on main and show it; after a reviewer approves, apply
    # that plan file and move the simfleet/applied tag forward. By hand: scope full repairs
    # drift, accept-blast-radius passes --force; both behind the same reviewers.
    name: simfleet apply
    on:
      push:
        branches: [main]
        paths: ["manifests/**", "simfleet.yaml"]
      workflow_dispatch:
        inputs:
          scope:
            description: "changed: what changed since simfleet/applied; full: every SIM (repairs drift)"
            type: choice
            options: [changed, full]
            default: changed
          accept-blast-radius:
            description: "Apply even past the blast-radius limit (--force); the reviewers see the plan first"
            type: boolean
            default: false
    permissions: {}
    concurrency:
      group: simfleet-apply
      cancel-in-progress: false   # never cancel a running apply
    jobs:
    \#(buildJob(if: "github.ref == 'refs/heads/main'"))
      plan:
        needs: build
        runs-on: ubuntu-24.04
        environment: nexcon-plan
        permissions:
          contents: read
        steps:
    \#(mainOnly)
          - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
            with:
              fetch-depth: 0   # history and tags, for --changed-since simfleet/applied
              persist-credentials: false
    \#(installBinary())
          - name: Plan what the approved job will apply
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              SCOPE: ${{ inputs.scope || 'changed' }}
            run: |
              [[ "$SCOPE" =~ ^(changed|full)$ ]] || { echo "::error::scope is changed or full"; exit 1; }
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
              since=()
              if [ "$SCOPE" != full ] && git rev-parse -q --verify "refs/tags/simfleet/applied^{commit}" > /dev/null; then
                since=(--changed-since simfleet/applied)
              fi   # no tag yet, or scope full: every SIM
              set +e
              bin/simfleet plan "${since[@]}" --format markdown --out "$RUNNER_TEMP/plan.json" manifests > /dev/null
              code=$?
              set -e
              # 0 planned; 5 planned, but some SIMs could not be: the plan file holds the valid
              # steps and the errors, so a reviewed repair still goes ahead and apply exits 3.
              case "$code" in
                0) ;;
                5) echo "::warning::Some SIMs could not be planned; the plan's steps for the others are applied after approval, and apply reports the rest." ;;
                *) echo "::error::simfleet plan made no plan (status $code)"; exit 1 ;;
              esac
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            with:
              name: simfleet-plan-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}/plan.json
      apply:
        needs: [build, plan]
        runs-on: ubuntu-24.04
        environment: nexcon-production   # required reviewers approve the plan shown above
        permissions:
          contents: write   # to move the simfleet/applied tag
        steps:
    \#(mainOnly)
          - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
            with:
              fetch-depth: 0
              persist-credentials: true   # pushes the tag; this job uploads from RUNNER_TEMP only, never the checkout
          - uses: actions/download-artifact@634f93cb2916e3fdff6788551b99b062d0335ce0 # v5.0.0
            with:
              name: simfleet-plan-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}
    \#(installBinary())
          - name: Apply the plan shown in the plan job's summary
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              FORCE: ${{ inputs.accept-blast-radius && '--force' || '' }}
            run: |
              [[ "$FORCE" =~ ^(--force)?$ ]] || { echo "::error::accept-blast-radius is true or false"; exit 1; }
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
              mkdir -p "$RUNNER_TEMP/journal"
              set +e
              bin/simfleet apply "$RUNNER_TEMP/plan.json" $FORCE --format json --journal "$RUNNER_TEMP/journal/apply.jsonl" > "$RUNNER_TEMP/apply.json"
              code=$?
              holds=$(git tag --list 'simfleet/hold/*')
              if bin/simfleet mark-applied --report "$RUNNER_TEMP/apply.json" --branch origin/main; then
                git push --force origin refs/tags/simfleet/applied
                # Holds mark-applied released (main now declares those SIMs blocked): only those.
                for tag in $holds; do
                  git rev-parse -q --verify "refs/tags/$tag" > /dev/null || git push origin --delete "refs/tags/$tag"
                done
              fi
              # 0 converged, 4 converged but for terminations awaiting the terminate workflow;
              # anything else fails the job with apply's own status (3: the report says what is left).
              case "$code" in 0|4) ;; *) exit "$code" ;; esac
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always()
            with:
              name: simfleet-journal-${{ github.run_id }}-${{ github.run_attempt }}
              path: |
                ${{ runner.temp }}/journal/
                ${{ runner.temp }}/apply.json
              if-no-files-found: ignore

    """#

    static let drift = #"""
    # simfleet: every night, plan every SIM (or one shard of them) and keep one drift issue
    # open while the fleet differs from the manifests.
    name: simfleet drift
    on:
      schedule:
        - cron: "17 3 * * *"
      workflow_dispatch:
        inputs:
          shards:
            description: "Check one Nth of the fleet per run (1: all of it); scheduled runs use the variable SIMFLEET_DRIFT_SHARDS"
            type: number
            default: 1
    permissions: {}
    concurrency:
      group: simfleet-drift
      cancel-in-progress: false
    jobs:
    \#(buildJob(if: nil))
      drift:
        needs: build
        runs-on: ubuntu-24.04
        environment: nexcon-plan
        permissions:
          contents: read
          issues: write   # the one drift issue
        timeout-minutes: 350   # 100,000 SIMs at 10 requests a second take about 3 hours
        steps:
          - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
            with:
              fetch-depth: 0   # tags: break-glass holds travel as simfleet/hold/* tags
              persist-credentials: false
    \#(installBinary())
          - name: Plan every SIM (or this night's shard), and keep the drift issue
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              GITHUB_TOKEN: ${{ github.token }}
              # Scheduled runs get no inputs: the repository variable sets their shards.
              SHARDS: ${{ inputs.shards || vars.SIMFLEET_DRIFT_SHARDS || 1 }}
              # A Prometheus Pushgateway for the drift metrics, if the repository has one.
              PUSHGATEWAY: ${{ vars.SIMFLEET_PUSHGATEWAY }}
            run: |
              # Checked before any arithmetic: bash evaluates what $(( )) is given as code.
              [[ "$SHARDS" =~ ^[1-9][0-9]{0,3}$ ]] || { echo "::error::shards is a whole number from 1 to 9999"; exit 1; }
              [[ "$PUSHGATEWAY" =~ ^(https://[A-Za-z0-9.:/_-]{1,300})?$ ]] || { echo "::error::SIMFLEET_PUSHGATEWAY must be an https URL"; exit 1; }
              push=()
              if [ -n "$PUSHGATEWAY" ]; then push=(--metrics-push "$PUSHGATEWAY"); fi
              shard=$(( 10#$(date -u +%j) % SHARDS + 1 ))
              # simfleet keeps one issue labelled simfleet-drift: opened or updated while the
              # fleet differs (unreadable or unmapped SIMs included), closed with a comment when
              # it matches, and saying so when the run could not plan at all.
              set +e
              bin/simfleet plan --drift-issue --detailed-exitcode --rate 10 --format markdown --comment-key drift \
                --shard "$shard/$SHARDS" --out "$RUNNER_TEMP/drift.json" "${push[@]}" manifests > /dev/null
              code=$?
              # 0 no drift, 2 drift, 5 drift with SIMs that could not be read: all in the issue.
              # 1 (no plan at all) or anything else (a crash): the run fails.
              case "$code" in 0|2|5) ;; *) echo "::error::simfleet plan made no plan (status $code)"; exit 1 ;; esac

    """#

    static let terminate = #"""
    # simfleet: the only place terminations are allowed, for the ICCs typed in, each
    # declared state: terminated on main and not protected.
    name: simfleet terminate
    on:
      workflow_dispatch:
        inputs:
          iccs:
            description: "ICCs to terminate, separated by spaces; each must be declared state: terminated on main, and not protected"
            required: true
            type: string
    permissions: {}
    concurrency:
      group: simfleet-terminate   # never cancelled by an apply queueing, nor cancelling one
      cancel-in-progress: false
    jobs:
    \#(buildJob(if: "github.ref == 'refs/heads/main'"))
      terminate:
        needs: build
        runs-on: ubuntu-24.04
        environment: nexcon-production   # required reviewers
        permissions:
          contents: read
        steps:
    \#(mainOnly)
          - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
            with:
              persist-credentials: false
    \#(installBinary())
          - name: Terminate the ICCs given, and nothing else
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              ICCS: ${{ inputs.iccs }}
            run: |
              [[ "$ICCS" =~ ^[0-9\ ]{1,4000}$ ]] || { echo "::error::iccs: ICCs (digits) separated by spaces"; exit 1; }
              read -ra iccs <<< "$ICCS"   # never evaluated; simfleet rejects anything not an ICC
              args=()
              for icc in "${iccs[@]}"; do args+=(--target "$icc" --allow-terminate "$icc"); done
              mkdir -p "$RUNNER_TEMP/journal"
              bin/simfleet apply --auto-approve "${args[@]}" --journal "$RUNNER_TEMP/journal/terminate.jsonl" manifests
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always()
            with:
              name: simfleet-terminate-journal-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}/journal/
              if-no-files-found: ignore

    """#

    static let breakGlass = #"""
    # simfleet: an urgent block with a record. simfleet break-glass blocks the SIMs at once
    # (a freeze does not hold it back; every other rule does), writes state: blocked and the
    # reason into the manifests on a branch, and tags a hold per SIM so no apply restores it
    # before main declares the block. This job pushes both, opens the pull request, and
    # posts its plan there (a pull request opened with the Actions token starts no workflow).
    name: simfleet break glass
    on:
      workflow_dispatch:
        inputs:
          iccs:
            description: "ICCs to block now, separated by spaces"
            required: true
            type: string
          reason:
            description: "Why (a ticket, what happened); written into each SIM's note and hold"
            required: true
            type: string
    permissions: {}
    concurrency:
      group: simfleet-break-glass-${{ github.run_id }}   # never cancelled by anything queueing
      cancel-in-progress: false
    jobs:
    \#(buildJob(if: "github.ref == 'refs/heads/main'"))
      block:
        needs: build
        runs-on: ubuntu-24.04
        environment: nexcon-break-glass
        permissions:
          contents: write        # the branch and the hold tags
          pull-requests: write   # the pull request for review after the fact, and its plan
        steps:
    \#(mainOnly)
          - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
            with:
              fetch-depth: 0              # tags (the holds) and history, for the pull request's plan
              persist-credentials: true   # pushes the branch and tags; this job uploads from RUNNER_TEMP only, never the checkout
    \#(installBinary())
          - name: Block now, write it on a branch, and hold it
            id: glass
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              ICCS: ${{ inputs.iccs }}
              REASON: ${{ inputs.reason }}
              ACTOR: ${{ github.actor }}
              RUN_ID: ${{ github.run_id }}
            run: |
              [[ "$ICCS" =~ ^[0-9\ ]{1,4000}$ ]] || { echo "::error::iccs: ICCs (digits) separated by spaces"; exit 1; }
              [[ "$REASON" =~ ^[^[:cntrl:]]{1,500}$ ]] || { echo "::error::reason: one line of at most 500 characters"; exit 1; }
              read -ra iccs <<< "$ICCS"
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
              mkdir -p "$RUNNER_TEMP/journal"
              export GIT_AUTHOR_NAME="$ACTOR" GIT_AUTHOR_EMAIL="$ACTOR@users.noreply.github.com"
              export GIT_COMMITTER_NAME="$ACTOR" GIT_COMMITTER_EMAIL="$ACTOR@users.noreply.github.com"
              set +e
              bin/simfleet break-glass "${iccs[@]}" --reason "$REASON" --run "$RUN_ID" --by "$ACTOR" --branch "break-glass/$RUN_ID" \
                --no-progress --journal "$RUNNER_TEMP/journal/break-glass.jsonl"
              code=$?
              set -e
              # 0 all blocked, 3 some: push what keeps them blocked. 1 (nothing sent) or anything else: stop.
              case "$code" in 0|3) ;; *) exit "$code" ;; esac
              git push origin "break-glass/$RUN_ID" "refs/tags/simfleet/hold/*:refs/tags/simfleet/hold/*"
              echo "blocked=true" >> "$GITHUB_OUTPUT"
              exit "$code"
          - name: Open the pull request for review after the fact, with its plan
            if: always() && steps.glass.outputs.blocked == 'true'
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              GH_TOKEN: ${{ github.token }}
              GITHUB_TOKEN: ${{ github.token }}
              REASON: ${{ inputs.reason }}
              RUN_ID: ${{ github.run_id }}
            run: |
              [[ "$REASON" =~ ^[^[:cntrl:]]{1,500}$ ]] || { echo "::error::reason: one line of at most 500 characters"; exit 1; }
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
              url=$(gh pr create --base main --head "break-glass/$RUN_ID" --title "Break glass: $REASON" \
                --body "Blocked by the break-glass workflow, run $RUN_ID; a hold keeps the SIMs blocked until this is merged. Review and merge, so the manifests say what the fleet is.")
              number="${url##*/}"
              [[ "$number" =~ ^[1-9][0-9]{0,9}$ ]] || { echo "::error::gh pr create gave no pull request URL"; exit 1; }
              git switch --detach "break-glass/$RUN_ID"
              set +e
              bin/simfleet plan --changed-since origin/main --pull-request-base origin/main --pr-comment --pull-request "$number" \
                --format markdown manifests > /dev/null
              code=$?
              set -e
              # 0 or 2: planned; 1 or 5: the comment says what went wrong; anything else is a crash.
              case "$code" in 0|1|2|5) ;; *) echo "::error::simfleet plan stopped with status $code"; exit 1 ;; esac
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always()
            with:
              name: simfleet-break-glass-journal-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}/journal/
              if-no-files-found: ignore

    """#
}
