#!/usr/bin/env python3
"""Checks the files `plan --metrics-file` and `apply --metrics-file` write with a real
Prometheus text parser (prometheus_client's), on a scratch copy of the example manifests
against the embedded simulator.

    .ci/check-metrics.py SIMFLEET_BINARY
"""
import os
import shutil
import subprocess
import sys
import tempfile

from prometheus_client.parser import text_string_to_metric_families

simfleet = os.path.abspath(sys.argv[1])
root = os.path.join(os.path.dirname(__file__), "..")
expected = {
    "plan": {"simfleet_sims", "simfleet_sims_live", "simfleet_drift_sims", "simfleet_plan_steps",
             "simfleet_last_run_timestamp_seconds", "simfleet_last_run_success", "simfleet_run_duration_seconds"},
    "apply": {"simfleet_sims", "simfleet_plan_steps", "simfleet_apply_steps",
              "simfleet_last_run_timestamp_seconds", "simfleet_last_run_success", "simfleet_run_duration_seconds"},
}
with tempfile.TemporaryDirectory() as folder:
    shutil.copytree(os.path.join(root, "manifests"), os.path.join(folder, "manifests"))
    runs = {"plan": ["plan", "--simulator", "--no-progress"], "apply": ["apply", "--simulator", "--auto-approve", "--no-progress"]}
    for command, arguments in runs.items():
        path = os.path.join(folder, f"{command}.prom")
        subprocess.run([simfleet, *arguments, "--metrics-file", path], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        families = {family.name: family for family in text_string_to_metric_families(open(path, encoding="utf-8").read())}
        missing = expected[command] - set(families)
        if missing:
            sys.exit(f"{command}.prom lacks {sorted(missing)}")
        for family in families.values():
            if family.type != "gauge" or not family.samples:
                sys.exit(f"{command}.prom: {family.name} is a {family.type} with {len(family.samples)} samples")
        success = families["simfleet_last_run_success"].samples[0]
        if success.labels != {"command": command} or success.value != 1:
            sys.exit(f"{command}.prom: {success}")
        # Every series names its command, so plan.prom and apply.prom never write the same one.
        for family in families.values():
            for sample in family.samples:
                if sample.labels.get("command") != command:
                    sys.exit(f"{command}.prom: {sample.name}{sample.labels} has no command=\"{command}\" label")
    print("plan.prom and apply.prom parse with prometheus_client and hold every metric")
