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
