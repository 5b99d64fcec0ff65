extension Workflows {
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
    \#(checkout(history: "history and tags, for --changed-since simfleet/applied"))
    \#(installBinary())
          - name: Plan what the approved job will apply
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              SCOPE: ${{ inputs.scope || 'changed' }}
            run: |
              [[ "$SCOPE" =~ ^(changed|full)$ ]] || { echo "::error::scope is changed or full"; exit 1; }
              git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }   # git sees no secret of this step
    \#(LoopSteps.sinceTag(scope: "SCOPE").indented(10))
              set +e
              bin/simfleet plan "${since[@]}" --format markdown --out "$RUNNER_TEMP/plan.json" manifests > /dev/null
              code=$?
              set -e
    \#(LoopSteps.github.applyPlanStatus().indented(10))
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
    \#(checkout(history: "", pushes: "pushes the tag; this job uploads from RUNNER_TEMP only, never the checkout"))
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
    \#(LoopSteps.applyStatus.indented(10))
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always()
            with:
              name: simfleet-journal-${{ github.run_id }}-${{ github.run_attempt }}
              path: |
                ${{ runner.temp }}/journal/
                ${{ runner.temp }}/apply.json
              if-no-files-found: ignore

    """#
}
