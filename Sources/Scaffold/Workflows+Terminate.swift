extension Workflows {
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
    \#(checkout(history: nil))
    \#(installBinary())
          - name: Terminate the ICCs given, and nothing else
            env:
              NEXCON_API_KEY: ${{ secrets.NEXCON_API_KEY }}
              ICCS: ${{ inputs.iccs }}
            run: |
    \#(LoopSteps.github.terminateArguments("ICCS").indented(10))
              mkdir -p "$RUNNER_TEMP/journal"
              bin/simfleet apply --auto-approve "${args[@]}" --journal "$RUNNER_TEMP/journal/terminate.jsonl" manifests
          - uses: actions/upload-artifact@330a01c490aca151604b8cf639adc76d48f6c5d4 # v5.0.0
            if: always()
            with:
              name: simfleet-terminate-journal-${{ github.run_id }}-${{ github.run_attempt }}
              path: ${{ runner.temp }}/journal/
              if-no-files-found: ignore

    """#
}
