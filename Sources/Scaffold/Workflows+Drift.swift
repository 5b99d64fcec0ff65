extension Workflows {
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
    \#(checkout(history: "tags: break-glass holds travel as simfleet/hold/* tags"))
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
    \#(LoopSteps.github.shards("SHARDS").indented(10))
              [[ "$PUSHGATEWAY" =~ ^(https://[A-Za-z0-9.:/_-]{1,300})?$ ]] || { echo "::error::SIMFLEET_PUSHGATEWAY must be an https URL"; exit 1; }
              push=()
              if [ -n "$PUSHGATEWAY" ]; then push=(--metrics-push "$PUSHGATEWAY"); fi
              # simfleet keeps one issue labelled simfleet-drift: opened or updated while the
              # fleet differs (unreadable or unmapped SIMs included), closed with a comment when
              # it matches, and saying so when the run could not plan at all.
              set +e
              bin/simfleet plan --drift-issue --detailed-exitcode --rate 10 --format markdown --comment-key drift \
                --shard "$shard/$SHARDS" --out "$RUNNER_TEMP/drift.json" "${push[@]}" manifests > /dev/null
              code=$?
    \#(LoopSteps.github.driftStatus().indented(10))

    """#
}
