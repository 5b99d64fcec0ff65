#!/usr/bin/env python3
"""Checks the CI definitions `simfleet init` writes against the loop's rules and their
forge's schema. GitHub: the five workflows of `--ci github`, GitHub's workflow schema
(check-jsonschema's bundled vendor.github-workflows) and zizmor's audits, which must find
nothing. GitLab: the `.gitlab-ci.yml` of `--ci gitlab` (read with ruamel.yaml, which
check-jsonschema brings), against GitLab's CI schema (vendor.gitlab-ci).

    .ci/check-workflows.py github WORKFLOWS_FOLDER CHECK_JSONSCHEMA_BINARY ZIZMOR_BINARY
    .ci/check-workflows.py gitlab GITLAB_CI_YML CHECK_JSONSCHEMA_BINARY
"""
import os
import re
import subprocess
import sys

# Variables a person or a branch can set, used by a GitLab job's shell: each is checked
# against a pattern where the script first names it (or the name it is copied into).
GITLAB_INPUTS = ["SIMFLEET_SCOPE", "SIMFLEET_ACCEPT_BLAST_RADIUS", "SIMFLEET_DRIFT_SHARDS", "SIMFLEET_ICCS", "SIMFLEET_REASON",
                 "NEXCON_PLAN_KEY", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "GITLAB_USER_LOGIN", "CI_PIPELINE_ID",
                 "SIMFLEET_DOWNLOAD_URL", "SIMFLEET_SHA256", "SIMFLEET_IMAGE", "CI_DEFAULT_BRANCH"]


def checked_before_use(script, variable):
    """Whether the first line naming `variable` checks it, or copies it into a name whose first use checks it."""
    lines = [line for line in script.split("\n") if re.search(r"\$\{?" + variable + r"\b", line)]
    if not lines:
        return True
    first = lines[0]
    if re.search(r'\[\[ "\$\{?' + variable + r'(:-[^}]*)?\}?" =~ \^', first):
        return True
    alias = re.match(r'\s*(\w+)="\$\{' + variable + r':-[^}]*\}"\s*$', first)
    if alias:
        later = [line for line in script.split("\n") if re.search(r"\$\{?" + alias.group(1) + r"\b", line)]
        return bool(later) and re.search(r'\[\[ "\$' + alias.group(1) + r'" =~ \^', later[0]) is not None
    return False


def check_gitlab(path, check_jsonschema):
    from ruamel.yaml import YAML
    text = open(path, encoding="utf-8").read()
    pipeline = YAML(typ="safe").load(text)
    problems = []
    conditions = [rule.get("if", "") for rule in pipeline.get("workflow", {}).get("rules", [])]
    if not any("merge_request_event" in c for c in conditions) or not all(
            "merge_request_event" in c or "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in c for c in conditions):
        problems.append("workflow: pipelines run for merge requests and the default branch only")
    template = pipeline.get(".simfleet", {})
    before = "\n".join(template.get("before_script", []))
    for needed, why in [("sha256sum --check --strict", "the release is checked against SIMFLEET_SHA256"),
                        ("--proto '=https'", "the release is downloaded over https only"),
                        ('git() { env -u NEXCON_API_KEY -u NEXCON_PLAN_KEY -u GITLAB_TOKEN -u SIMFLEET_NOTE_TOKEN git "$@"; }', "git sees no secret"),
                        ("@sha256:[0-9a-f]{64}", "the image is pinned by digest")]:
        if needed not in before:
            problems.append(f".simfleet: {why}")
    jobs = {name: job for name, job in pipeline.items() if isinstance(job, dict) and not name.startswith(".") and name not in ("workflow", "variables", "default")}
    expected = {"simfleet-plan", "simfleet-apply-plan", "simfleet-apply", "simfleet-drift", "simfleet-terminate", "simfleet-break-glass"}
    if set(jobs) != expected:
        problems.append(f"expected the jobs {sorted(expected)}, found {sorted(jobs)}")
    scripts = {".simfleet": before}
    for name, job in jobs.items():
        scripts[name] = "\n".join(job.get("script", []))
        if job.get("extends") != ".simfleet":
            problems.append(f"{name}: extends .simfleet, so it downloads and checks the binary itself and shares the git wrapper")
        if "cache" in job or "cache" in template:
            problems.append(f"{name}: no cache: any job can write one, and a binary must not travel with its checksum")
        for uploaded in job.get("artifacts", {}).get("paths", []):
            if not uploaded.startswith(".simfleet/ci/"):
                problems.append(f"{name}: keeps {uploaded} as an artifact; artifacts live under .simfleet/ci/, made anew by the job")
    for name in ("simfleet-apply", "simfleet-terminate", "simfleet-break-glass"):
        job = jobs.get(name, {})
        if not scripts.get(name, "").lstrip().startswith("main_only"):
            problems.append(f"{name}: refuses any ref but the protected default branch in its first line")
        if not job.get("rules") or any(rule.get("when") != "manual" for rule in job.get("rules", [])):
            problems.append(f"{name}: a person starts it (when: manual)")
        if job.get("environment", {}).get("name") not in ("nexcon-production", "nexcon-break-glass"):
            problems.append(f"{name}: runs in a protected environment")
        if job.get("interruptible"):
            problems.append(f"{name}: a job that acts on SIMs is never cancelled")
    if jobs.get("simfleet-apply", {}).get("resource_group") in (None, jobs.get("simfleet-terminate", {}).get("resource_group")):
        problems.append("simfleet-apply and simfleet-terminate each have a resource group of their own")
    apply = scripts.get("simfleet-apply", "")
    if "mark-applied --report" not in apply or "git tag -f" in apply or "--force refs/tags/simfleet/applied" not in apply:
        problems.append("simfleet-apply: the tag moves only through simfleet mark-applied (forward only, after exit 0 or 4)")
    if jobs.get("simfleet-apply", {}).get("needs") != ["simfleet-apply-plan"] or "apply .simfleet/ci/plan.json" not in apply:
        problems.append("simfleet-apply: applies the plan file the plan job showed")
    for name, script in scripts.items():
        if "--force" in script and name != "simfleet-apply":
            problems.append(f"{name}: --force is for the apply job's SIMFLEET_ACCEPT_BLAST_RADIUS only")
        # A job runs the template's before_script first, in the same shell.
        runs = script if name == ".simfleet" else before + "\n" + script
        for variable in GITLAB_INPUTS:
            if not checked_before_use(runs, variable):
                problems.append(f"{name}: {variable} is used in shell without a [[ ... =~ ^...$ ]] check first")
        if re.search(r"simfleet\"?[^\n]*\|\|\s*true", script):
            problems.append(f"{name}: a step lets any exit status of simfleet pass")
    plan = scripts.get("simfleet-plan", "")
    if "--offline" not in plan or "--pr-comment" not in plan or ".blastRadius.exceeded" not in plan:
        problems.append("simfleet-plan: plans (declared-only without a plan key), posts the note, and fails on a blast-radius overrun")
    if re.search(r"\$\{?NEXCON_API_KEY", plan):
        problems.append("simfleet-plan: a merge request pipeline never uses NEXCON_API_KEY, only NEXCON_PLAN_KEY")
    drift = scripts.get("simfleet-drift", "")
    if "--shard" not in drift or "--drift-issue" not in drift or 'case "$code" in 0|2|5) ;; *)' not in drift:
        problems.append("simfleet-drift: shards, the drift issue, and a failed job when the plan could not be made")
    if problems:
        sys.exit("the generated .gitlab-ci.yml breaks the loop's rules:\n- " + "\n- ".join(problems))
    result = subprocess.run([check_jsonschema, "--builtin-schema", "vendor.gitlab-ci", path])
    if result.returncode != 0:
        sys.exit("the generated .gitlab-ci.yml does not match GitLab's CI schema")
    print("the generated .gitlab-ci.yml keeps the loop's rules and matches GitLab's CI schema")


if sys.argv[1] == "gitlab":
    check_gitlab(*sys.argv[2:4])
    sys.exit(0)
folder, check_jsonschema, zizmor = sys.argv[2:5]
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
    problems.append("simfleet plan: pull_request_target (the base branch's workflow), the key for this repository's branches only, so no branch pusher reaches it")
fork = plan.split("\n  plan-fork:", 1)[1] if "\n  plan-fork:" in plan else ""
if not fork or "--offline" not in fork or "secrets." in fork or "environment:" in fork or "head.repo.full_name != github.repository" not in fork:
    problems.append("simfleet plan: a fork's pull request is planned declared-only (--offline), in a job with no environment and no secret")
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
