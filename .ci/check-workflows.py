#!/usr/bin/env python3
"""Checks the GitHub Actions workflows `simfleet init --ci github` writes: the loop's
rules, GitHub's workflow schema (check-jsonschema's bundled vendor.github-workflows), and
zizmor's audits, which must find nothing.

    .ci/check-workflows.py WORKFLOWS_FOLDER CHECK_JSONSCHEMA_BINARY ZIZMOR_BINARY
"""
import os
import re
import subprocess
import sys

folder, check_jsonschema, zizmor = sys.argv[1:4]
paths = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".yml"))
blocks = [open(path, encoding="utf-8").read() for path in paths]
if len(blocks) != 5:
    sys.exit(f"expected the plan, apply, drift, terminate and break-glass workflows, found {len(blocks)} in {folder}")
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
if 'simfleet mark-applied --report "$RUNNER_TEMP/apply.json"' not in apply or "git tag -f" in apply:
    problems.append("simfleet apply: the tag moves only through simfleet mark-applied (forward only, after exit 0 or 4)")
if "options: [changed, full]" not in apply:
    problems.append("simfleet apply: a dispatched run must be able to repair drift (scope: full)")
if 'bin/simfleet apply "$RUNNER_TEMP/plan.json"' not in apply:
    problems.append("simfleet apply: the approved job must apply the plan file the plan job showed")
if "--force" in apply and "inputs.accept-blast-radius && '--force'" not in apply:
    problems.append("simfleet apply: --force only through the accept-blast-radius input")
for name, block in by_name.items():
    if name not in ("simfleet apply", "simfleet break glass") and "--force" in block:
        problems.append(f"{name}: --force is for the apply workflow's reviewed input and break glass only")
plan = by_name.get("simfleet plan", "")
if "--pull-request-base" not in plan or ".blastRadius.exceeded" not in plan or "--pr-comment" not in plan:
    problems.append("simfleet plan: plan since the tag with --pull-request-base, post with --pr-comment, and fail the check on a blast-radius overrun")
if "pull_request_target:" not in plan or "head.repo.full_name == github.repository" not in plan:
    problems.append("simfleet plan: pull_request_target (the base branch's workflow) and no forks, so no branch pusher reaches the key")
drift = by_name.get("simfleet drift", "")
if "--shard" not in drift or "--drift-issue" not in drift or 'case "$code" in 0|2|5) ;; *)' not in drift:
    problems.append("simfleet drift: shards, the drift issue, and a failed run when the plan could not be made")
# Every input and variable a shell step receives is checked against a pattern in that
# step before the shell uses it: bash evaluates what arithmetic is given as code, and a
# value can hold anything a dispatcher typed.
for name, block in by_name.items():
    for step in re.split(r"\n\s*- (?=name:|uses:|run:|if:)", block):
        for variable in re.findall(r"^\s+([A-Z_][A-Z0-9_]*): \$\{\{ (?:inputs|vars)\.", step, re.M):
            if "run:" in step and not re.search(r'\[\[ "\$' + variable + r'" =~ \^', step):
                problems.append(f"{name}: {variable} comes from an input or variable and is used in shell without a [[ \"${variable}\" =~ ^...$ ]] check first")
    # Uploads come from RUNNER_TEMP: a path in the checkout is the pull request's to fill
    # (a link to a runner file). bin/ is the build job's own, which checks out no manifests.
    lines = block.split("\n")
    for index, line in enumerate(lines):
        if "uses: actions/upload-artifact@" not in line:
            continue
        uploaded = []
        for following in range(index + 1, len(lines)):
            text = lines[following]
            if re.match(r"\s*- ", text) or not text.strip():
                break
            found = re.match(r"(\s+)path: (.*)$", text)
            if found and found.group(2).strip() == "|":
                indent = len(found.group(1))
                for more in lines[following + 1:]:
                    if len(more) - len(more.lstrip()) <= indent or not more.strip():
                        break
                    uploaded.append(more.strip())
            elif found:
                uploaded.append(found.group(2).strip())
        for path in uploaded:
            if not path.startswith("${{ runner.temp }}/") and path != "bin/":
                problems.append(f"{name}: uploads {path}, which is not under RUNNER_TEMP")
    # What is built is built from pinned parts: the image by digest, packages from a dated
    # snapshot; runners install nothing.
    for line in re.findall(r"^.*docker run.*$", block, re.M):
        if '"$SIMFLEET_BUILD_IMAGE"' not in line or "@sha256:[0-9a-f]{64}" not in block:
            problems.append(f"{name}: docker runs only the build image pinned by digest ($SIMFLEET_BUILD_IMAGE, checked)")
    for line in re.findall(r"^.*apt-get (?:update|install).*$", block, re.M):
        if line.count("--snapshot") < (2 if "update" in line and "install" in line else 1):
            problems.append(f"{name}: apt-get takes packages from a dated snapshot (--snapshot), so their versions are pinned")
    # A step that holds a secret runs git only through the function that drops it.
    for step in re.split(r"\n\s*- (?=name:|uses:|run:|if:)", block):
        script = step.split("run:", 1)[1] if "run:" in step else ""
        if re.search(r"\$\{\{ (secrets\.|github\.token)", step) and re.search(r"(^|[\s(;&|!])git ", script) \
                and 'git() { env -u NEXCON_API_KEY -u GITHUB_TOKEN -u GH_TOKEN git "$@"; }' not in script:
            problems.append(f"{name}: a step holding a secret runs git with it in its environment")
    if "actions/cache" in block:
        problems.append(f"{name}: no cache: any job can write one, and a binary must not travel with its checksum")
# A step that runs simfleet accepts exactly the statuses it expects: no `|| true`, and no
# `test $? -ne 1`, which lets a usage error (64) or a crash (134) through.
for name, block in by_name.items():
    if re.search(r"bin/simfleet[^\n]*\|\|\s*true", block) or "test $? -ne" in block:
        problems.append(f"{name}: a step lets any exit status of simfleet pass; accept exactly the ones it expects")
for name, block in by_name.items():
    if "actions/github-script" in block:
        problems.append(f"{name}: simfleet posts its own comments and issues; no inline scripts")
    if re.search(r"^\s*(- )?uses: [^\s#]+@(?![0-9a-f]{40}\b)", block, re.M):
        problems.append(f"{name}: every action is pinned by commit")
if problems:
    sys.exit("the generated workflows break the loop's rules:\n- " + "\n- ".join(problems))

result = subprocess.run([check_jsonschema, "--builtin-schema", "vendor.github-workflows", *paths])
if result.returncode != 0:
    sys.exit("a generated workflow does not match GitHub's workflow schema")
# zizmor exits non-zero when it finds anything; a finding is suppressed only by an inline
# `# zizmor: ignore[...]` comment in Sources/Scaffold/Workflows*.swift that says why.
result = subprocess.run([zizmor, "--offline", folder])
if result.returncode != 0:
    sys.exit("zizmor found problems in the generated workflows")
print(f"{len(blocks)} generated workflows keep the loop's rules, match GitHub's workflow schema, and pass zizmor")
