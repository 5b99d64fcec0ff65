/// The GitLab CI pipeline of the loop, one `.gitlab-ci.yml`: `init --ci gitlab` writes it,
/// `.ci/run` checks it (GitLab's schema from check-jsonschema, the loop's rules), and
/// `SIMFLEET.md` gives the argument behind it.
///
/// A merge request pipeline runs the `.gitlab-ci.yml` of the merge request's source
/// branch, so anyone who can push a branch can change these jobs. What holds the NexCon key
/// therefore runs only on the default branch (a protected branch, whose protected variables
/// no other branch sees), behind the protected environment, as manual jobs; a merge request
/// plans without the key (`plan --offline`) unless the project keeps this file where branch
/// pushers cannot write (Settings › CI/CD › General pipelines › CI/CD configuration file).
/// Every job downloads the release named by `SIMFLEET_DOWNLOAD_URL` and checks it against
/// `SIMFLEET_SHA256` itself: no cache, no artifact carries the binary. Every variable a
/// script uses is checked against a pattern first.
enum GitLabPipeline {
    static let text = #"""
    # simfleet: the GitOps loop on GitLab. Merge requests are planned (one note each); a
    # merge to the default branch is planned there and applied by a manual job behind the
    # nexcon-production environment, which moves the simfleet/applied tag forward;
    # schedules keep one drift issue; terminate and break glass are manual jobs of pipelines
    # run by hand (Build › Pipelines › Run pipeline) on the default branch. SIMFLEET.md says
    # what to set up, and why a branch pusher reaches no key.
    workflow:
      rules:
        - if: $CI_PIPELINE_SOURCE == "merge_request_event"
        - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE =~ /^(push|web|schedule)$/

    stages: [plan, apply]

    # Every job: the release checked against SIMFLEET_SHA256, unpacked outside the checkout,
    # and the shell functions the scripts share.
    .simfleet:
      image: $SIMFLEET_IMAGE   # pinned by digest, with bash, git, curl, jq, ca-certificates
      variables:
        GIT_DEPTH: "0"   # --changed-since needs every commit since the tag
        GIT_STRATEGY: clone
      before_script:
        - |
          fail() { echo "error: $1"; exit 1; }
          [[ "$SIMFLEET_IMAGE" =~ ^[a-z0-9./_:-]{1,200}@sha256:[0-9a-f]{64}$ ]] || fail "SIMFLEET_IMAGE must be pinned by digest (name@sha256:...); SIMFLEET.md says how"
          [[ "$SIMFLEET_DOWNLOAD_URL" =~ ^https://[A-Za-z0-9.-]{1,200}(:[0-9]{1,5})?/[A-Za-z0-9._~/%+-]{1,500}\.tar\.gz$ ]] || fail "Set SIMFLEET_DOWNLOAD_URL to the release tarball's https URL"
          [[ "$SIMFLEET_SHA256" =~ ^[0-9a-f]{64}$ ]] || fail "Set SIMFLEET_SHA256 to the tarball's line in the release's SHA256SUMS"
          # Outside the checkout: a merge request could commit a bin/ that leads elsewhere.
          work=$(mktemp -d)
          curl --fail --silent --show-error --location --proto '=https' --output "$work/simfleet.tar.gz" "$SIMFLEET_DOWNLOAD_URL"
          (cd "$work" && echo "$SIMFLEET_SHA256  simfleet.tar.gz" | sha256sum --check --strict --quiet)
          tar -xzf "$work/simfleet.tar.gz" -C "$work" simfleet
          simfleet="$work/simfleet"
          git() { env -u NEXCON_API_KEY -u NEXCON_PLAN_KEY -u GITLAB_TOKEN -u SIMFLEET_NOTE_TOKEN git "$@"; }   # git sees no secret
          # Pushes this project with GITLAB_TOKEN, which reaches git through a credential helper only.
          push() {
            local url; url=$(git remote get-url origin | sed -E 's#^(https?://)[^@/]*@#\1#')
            env -u NEXCON_API_KEY -u NEXCON_PLAN_KEY -u GITLAB_TOKEN -u SIMFLEET_NOTE_TOKEN SIMFLEET_PUSH_TOKEN="$GITLAB_TOKEN" git -c credential.helper= \
              -c 'credential.helper=!f() { [ "$1" = get ] && printf "username=oauth2\npassword=%s\n" "$SIMFLEET_PUSH_TOKEN"; }; f' push "$url" "$@"
          }
          # What acts on SIMs runs from the default branch only, and only when it is protected.
          main_only() {
            [[ "$CI_DEFAULT_BRANCH" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$ ]] || fail "Unexpected default branch name"
            [ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ] && [ "$CI_COMMIT_REF_PROTECTED" = "true" ] || fail "only the protected default branch acts on SIMs"
          }

    # A merge request: what the apply after merge would do, as its one note. Without the key
    # (the merge request's branch is not protected, so protected variables stay away) the
    # plan is declared-only: what the change does to the declared states.
    simfleet-plan:
      extends: .simfleet
      stage: plan
      rules:
        - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      script:
        - |
          [[ "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$ ]] || fail "Unexpected target branch name"
          [[ "${NEXCON_PLAN_KEY:-}" =~ ^[A-Za-z0-9_.=+/-]{0,512}$ ]] || fail "NEXCON_PLAN_KEY holds unexpected characters"
          target="$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
          git fetch -q origin "+refs/heads/$target:refs/remotes/origin/$target"
          # Names only, tree to tree: no work tree, index, driver or hook is involved.
          if \#(LoopSteps.touchesNothing(since: "target")); then
            echo "This merge request changes no manifest and no setting: nothing to plan."
            exit 0
          fi
          if [ -n "${NEXCON_PLAN_KEY:-}" ]; then
    \#(LoopSteps.sinceTag(pullRequestBase: "target").indented(8))
          else
            since=(--offline --changed-since "origin/$target")
          fi
          set +e
          NEXCON_API_KEY="${NEXCON_PLAN_KEY:-}" GITLAB_TOKEN="${SIMFLEET_NOTE_TOKEN:-}" "$simfleet" plan "${since[@]}" --pr-comment \
            --format markdown --detailed-exitcode --out "$work/plan.json" manifests > /dev/null
          code=$?
          set -e
    \#(LoopSteps.gitlab.reviewStatus(comment: "merge request's note").indented(6))
          jq -e '.blastRadius.exceeded == false' "$work/plan.json" > /dev/null || fail "The plan exceeds the blast radius; after merge, apply it only with SIMFLEET_ACCEPT_BLAST_RADIUS=true, behind the environment's approval."

    # The default branch: plan what the manual apply job will carry out.
    simfleet-apply-plan:
      extends: .simfleet
      stage: plan
      rules:
        - if: $CI_PIPELINE_SOURCE == "push"
          changes: [manifests/**/*, simfleet.yaml]
        - if: $CI_PIPELINE_SOURCE == "web" && $SIMFLEET_ACTION == "apply"
      script:
        - |
          main_only
          scope="${SIMFLEET_SCOPE:-changed}"
          [[ "$scope" =~ ^(changed|full)$ ]] || fail "SIMFLEET_SCOPE is changed or full"
          git fetch -q --tags origin "+refs/heads/$CI_DEFAULT_BRANCH:refs/remotes/origin/$CI_DEFAULT_BRANCH"
    \#(LoopSteps.sinceTag(scope: "scope").indented(6))
          # The artifact's folder is made anew: nothing the checkout holds stands there.
          rm -rf .simfleet/ci && mkdir -p .simfleet/ci
          set +e
          "$simfleet" plan "${since[@]}" --format markdown --out .simfleet/ci/plan.json manifests
          code=$?
          set -e
    \#(LoopSteps.gitlab.applyPlanStatus().indented(6))
      artifacts:
        paths: [.simfleet/ci/plan.json]
        expire_in: 30 days

    # Started by a person allowed to deploy to nexcon-production, after reading the plan
    # job's log: applies that plan file and moves simfleet/applied forward.
    simfleet-apply:
      extends: .simfleet
      stage: apply
      needs: [simfleet-apply-plan]
      rules:
        - if: $CI_PIPELINE_SOURCE == "push"
          changes: [manifests/**/*, simfleet.yaml]
          when: manual
        - if: $CI_PIPELINE_SOURCE == "web" && $SIMFLEET_ACTION == "apply"
          when: manual
      environment:
        name: nexcon-production
      resource_group: simfleet-apply   # one apply at a time; a running one is never cancelled
      script:
        - |
          main_only
          accept="${SIMFLEET_ACCEPT_BLAST_RADIUS:-false}"
          [[ "$accept" =~ ^(true|false)$ ]] || fail "SIMFLEET_ACCEPT_BLAST_RADIUS is true or false"
          force=(); if [ "$accept" = true ]; then force=(--force); fi
          [ -f .simfleet/ci/plan.json ] && [ ! -L .simfleet/ci/plan.json ] && [ ! -L .simfleet/ci ] && [ ! -L .simfleet ] || fail "the plan job's plan file is missing"
          git fetch -q --tags origin "+refs/heads/$CI_DEFAULT_BRANCH:refs/remotes/origin/$CI_DEFAULT_BRANCH"
          mkdir -p .simfleet/ci/journal
          rm -f .simfleet/ci/apply.json
          set +e
          "$simfleet" apply .simfleet/ci/plan.json "${force[@]}" --format json --journal .simfleet/ci/journal/apply.jsonl > .simfleet/ci/apply.json
          code=$?
          set -e
          holds=$(git tag --list 'simfleet/hold/*')
          if "$simfleet" mark-applied --report .simfleet/ci/apply.json --branch "origin/$CI_DEFAULT_BRANCH"; then
            push --force refs/tags/simfleet/applied
            # Holds mark-applied released (the default branch now declares those SIMs blocked): only those.
            for tag in $holds; do
              git rev-parse -q --verify "refs/tags/$tag" > /dev/null || push --delete "refs/tags/$tag"
            done
          fi
    \#(LoopSteps.applyStatus.indented(6))
      artifacts:
        when: always
        paths: [.simfleet/ci/journal/, .simfleet/ci/apply.json]
        expire_in: 1 year

    # Schedules (Build › Pipeline schedules, on the default branch): plan every SIM, or one
    # shard a run (SIMFLEET_DRIFT_SHARDS), and keep one simfleet-drift issue.
    simfleet-drift:
      extends: .simfleet
      stage: plan
      rules:
        - if: $CI_PIPELINE_SOURCE == "schedule"
      timeout: 6h   # 100,000 SIMs at 10 requests a second take about 3 hours
      script:
        - |
          main_only
          shards="${SIMFLEET_DRIFT_SHARDS:-1}"
    \#(LoopSteps.gitlab.shards("shards").indented(6))
          set +e
          "$simfleet" plan --drift-issue --detailed-exitcode --rate 10 --format markdown --comment-key drift \
            --shard "$shard/$shards" --out "$work/drift.json" manifests > /dev/null
          code=$?
          set -e
    \#(LoopSteps.gitlab.driftStatus().indented(6))

    # Run pipeline on the default branch with SIMFLEET_ACTION=terminate and SIMFLEET_ICCS:
    # the only place terminations are allowed, for those ICCs, each declared terminated.
    simfleet-terminate:
      extends: .simfleet
      stage: apply
      rules:
        - if: $CI_PIPELINE_SOURCE == "web" && $SIMFLEET_ACTION == "terminate"
          when: manual
      environment:
        name: nexcon-production
      resource_group: simfleet-terminate
      script:
        - |
          main_only
    \#(LoopSteps.gitlab.terminateArguments("SIMFLEET_ICCS").indented(6))
          mkdir -p .simfleet/ci/journal
          "$simfleet" apply --auto-approve "${args[@]}" --journal .simfleet/ci/journal/terminate.jsonl manifests
      artifacts:
        when: always
        paths: [.simfleet/ci/journal/]
        expire_in: 1 year

    # Run pipeline on the default branch with SIMFLEET_ACTION=break-glass, SIMFLEET_ICCS and
    # SIMFLEET_REASON: blocks at once (a freeze does not hold it back), writes the block on a
    # branch, pushes it and a hold per SIM, and opens a merge request for review after the
    # fact, whose own pipeline posts its plan.
    simfleet-break-glass:
      extends: .simfleet
      stage: apply
      rules:
        - if: $CI_PIPELINE_SOURCE == "web" && $SIMFLEET_ACTION == "break-glass"
          when: manual
      environment:
        name: nexcon-break-glass
      resource_group: simfleet-break-glass
      script:
        - |
          main_only
          [[ "${SIMFLEET_ICCS:-}" =~ ^[0-9\ ]{1,4000}$ ]] || fail "SIMFLEET_ICCS: ICCs (digits) separated by spaces"
          [[ "${SIMFLEET_REASON:-}" =~ ^[^[:cntrl:]]{1,500}$ ]] || fail "SIMFLEET_REASON: one line of at most 500 characters"
          [[ "$CI_PIPELINE_ID" =~ ^[0-9]{1,20}$ ]] || fail "Unexpected pipeline ID"
          [[ "$GITLAB_USER_LOGIN" =~ ^[A-Za-z0-9_.-]{1,255}$ ]] || fail "Unexpected user name"
          read -ra iccs <<< "$SIMFLEET_ICCS"
          git fetch -q --tags origin "+refs/heads/$CI_DEFAULT_BRANCH:refs/remotes/origin/$CI_DEFAULT_BRANCH"
          mkdir -p .simfleet/ci/journal
          export GIT_AUTHOR_NAME="$GITLAB_USER_LOGIN" GIT_AUTHOR_EMAIL="$GITLAB_USER_LOGIN@users.noreply.gitlab.com"
          export GIT_COMMITTER_NAME="$GITLAB_USER_LOGIN" GIT_COMMITTER_EMAIL="$GITLAB_USER_LOGIN@users.noreply.gitlab.com"
          branch="break-glass/$CI_PIPELINE_ID"
          set +e
          "$simfleet" break-glass "${iccs[@]}" --reason "$SIMFLEET_REASON" --run "$CI_PIPELINE_ID" --by "$GITLAB_USER_LOGIN" --branch "$branch" \
            --no-progress --journal .simfleet/ci/journal/break-glass.jsonl
          code=$?
          set -e
    \#(LoopSteps.breakGlassStatus.indented(6))
          push "refs/heads/$branch" "refs/tags/simfleet/hold/*:refs/tags/simfleet/hold/*" \
            -o merge_request.create -o "merge_request.target=$CI_DEFAULT_BRANCH" -o "merge_request.title=Break glass: $SIMFLEET_REASON"
          exit "$code"
      artifacts:
        when: always
        paths: [.simfleet/ci/journal/]
        expire_in: 1 year
    """#
}
