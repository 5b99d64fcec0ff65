#!/usr/bin/env python3
"""Writes a synthetic fleet of valid manifests for benchmarks.

    generate_fleet.py OUT_DIR [SIMS] [FILES] [STATES]

STATES is a comma-separated cycle of desired states (default: a realistic mix).

Defaults: 100,000 SIMs in 100 files. ICCs are valid (Luhn) and deterministic.
Also writes OUT_DIR.iccs, one ICC a line, for the status-sweep baselines, and
OUT_DIR.seed.json, a simulator seed in which every SIM is already as declared.
"""
import json
import os
import sys

STATES = ["active", "active", "active", "blocked", "inactive", "terminated"]
LIVE = {"active": "ACTIVATED", "blocked": "BLOCKED", "inactive": "INACTIVE", "terminated": "TERMINATED"}
DEPOTS = ["aarhus", "odense", "esbjerg", "aalborg", "kolding"]


def luhn(payload):
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def icc(number):
    payload = "8945019%012d" % number
    return payload + luhn(payload)


def main():
    out = sys.argv[1]
    sims = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    files = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    global STATES
    if len(sys.argv) > 4:
        STATES = sys.argv[4].split(",")
    os.makedirs(out, exist_ok=True)
    per_file = (sims + files - 1) // files
    seed = []
    with open(out.rstrip("/") + ".iccs", "w") as iccs:
        for file_index in range(files):
            start = file_index * per_file
            end = min(sims, start + per_file)
            lines = ["version: 1", "defaults:", "  labels: {fleet: bench}", "sims:"]
            for n in range(start, end):
                number = icc(n)
                iccs.write(number + "\n")
                seed.append({"icc": number, "status": LIVE[STATES[n % len(STATES)]]})
                lines.append(f'  - icc: "{number}"')
                lines.append(f"    name: unit-{n:06d}")
                lines.append(f"    state: {STATES[n % len(STATES)]}")
                lines.append(f"    labels: {{depot: {DEPOTS[n % len(DEPOTS)]}}}")
            with open(os.path.join(out, f"fleet-{file_index:04d}.yaml"), "w") as f:
                f.write("\n".join(lines) + "\n")
    with open(out.rstrip("/") + ".seed.json", "w") as f:
        json.dump(seed, f)


if __name__ == "__main__":
    main()
