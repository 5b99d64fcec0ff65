#!/usr/bin/env python3
"""Checks every GitHub Actions workflow in the README's "Running in CI" section against
GitHub's workflow schema, with check-jsonschema (its bundled vendor.github-workflows).

    .ci/check-workflows.py CHECK_JSONSCHEMA_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile

readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8").read()
section = readme.split("\n## Running in CI\n", 1)[1].split("\n## ", 1)[0]
blocks = [b for b in re.findall(r"^```yaml\n(.*?)^```$", section, re.M | re.S) if re.search(r"^jobs:", b, re.M)]
if len(blocks) < 6:
    sys.exit(f"expected the build, plan, apply, drift, terminate and break-glass workflows in the README, found {len(blocks)}")
# The loop's promises that live in the workflows, checked here so a README edit cannot
# quietly drop one.
by_name = {re.search(r"^name: (.*)$", b, re.M).group(1): b for b in blocks}
problems = []
for name in ["simfleet apply", "simfleet terminate", "simfleet break glass"]:
    block = by_name.get(name, "")
    if "github.ref == 'refs/heads/main'" not in block or "github.ref != 'refs/heads/main'" not in block:
        problems.append(f"{name}: must run only from main (a job condition and a refusing step)")
    if "cancel-in-progress: true" in block:
        problems.append(f"{name}: a running or pending run that acts on SIMs must never be cancelled")
groups = {name: re.search(r"^  group: (\S+)", block, re.M).group(1) for name, block in by_name.items() if re.search(r"^  group: ", block, re.M)}
if groups.get("simfleet terminate") == groups.get("simfleet apply"):
    problems.append("terminate and apply share a concurrency group, so a queued one could cancel the other's pending run")
apply = by_name.get("simfleet apply", "")
if "simfleet mark-applied --report apply.json" not in apply or "git tag -f" in apply:
    problems.append("simfleet apply: the tag moves only through simfleet mark-applied (forward only, after exit 0 or 4)")
if "options: [changed, full]" not in apply:
    problems.append("simfleet apply: a dispatched run must be able to repair drift (scope: full)")
if "bin/simfleet apply plan.json" not in apply:
    problems.append("simfleet apply: the approved job must apply the plan file the plan job showed")
if "--force" in apply and "inputs.accept-blast-radius && '--force'" not in apply:
    problems.append("simfleet apply: --force only through the accept-blast-radius input")
for name, block in by_name.items():
    if name not in ("simfleet apply", "simfleet break glass") and "--force" in block:
        problems.append(f"{name}: --force is for the apply workflow's reviewed input and break glass only")
if "--pull-request-base" not in by_name.get("simfleet plan", "") or ".blastRadius.exceeded" not in by_name.get("simfleet plan", ""):
    problems.append("simfleet plan: plan since the tag with --pull-request-base, and fail the check on a blast-radius overrun")
if "--shard" not in by_name.get("simfleet drift", "") or "result === 'failed'" not in by_name.get("simfleet drift", ""):
    problems.append("simfleet drift: shards, and a distinct report when the plan could not be made")
if problems:
    sys.exit("README workflows break the loop's rules:\n- " + "\n- ".join(problems))

with tempfile.TemporaryDirectory() as folder:
    paths = []
    for index, block in enumerate(blocks):
        path = os.path.join(folder, f"workflow-{index + 1}.yml")
        open(path, "w", encoding="utf-8").write(block)
        paths.append(path)
    result = subprocess.run([sys.argv[1], "--builtin-schema", "vendor.github-workflows", *paths])
    if result.returncode != 0:
        sys.exit("a README workflow does not match GitHub's workflow schema (workflow-N is the N-th yaml block under Running in CI)")
print(f"{len(blocks)} README workflows match GitHub's workflow schema")
