extension Workflows {
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
    \#(checkout(history: "tags (the holds) and history, for the pull request's plan", pushes: "pushes the branch and tags; this job uploads from RUNNER_TEMP only, never the checkout"))
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
    \#(LoopSteps.breakGlassStatus.indented(10))
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
