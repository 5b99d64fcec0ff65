#!/usr/bin/env python3
"""simfleet's benchmarks, each measured side by side with its baseline from
../shared/bench/ in the same run, reporting medians and ratios.

    python3 Benchmarks/bench.py [--runs N] [CASE...]

Cases: validate (default: all). Builds simfleet in release mode first.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
WORK = os.path.join(ROOT, "Benchmarks", "out")
SIMFLEET = os.path.join(ROOT, ".build", "release", "simfleet")


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, **kwargs)


def measure(argv, stdout=subprocess.DEVNULL):
    """Runs argv once under GNU time; returns (wall seconds, peak RSS in MB)."""
    started = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    stderr = process.stderr.decode()
    if process.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(argv)}\n{stderr}")
    return wall, int(stderr.strip().splitlines()[-1]) / 1024


def alternate(runs, commands):
    """Runs each command `runs` times, interleaved so noise hits all alike."""
    results = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            results[name].append(measure(argv))
    return {name: (statistics.median(w for w, _ in r), max(m for _, m in r)) for name, r in results.items()}


def ensure_tools():
    if not os.path.exists("/usr/bin/time"):
        sh("apt-get", "install", "-y", "-qq", "time", stdout=subprocess.DEVNULL)


def build():
    sh("swift", "build", "-c", "release", "--product", "simfleet", cwd=ROOT, stdout=subprocess.DEVNULL)


def bench_validate(runs):
    fleet = os.path.join(WORK, "fleet")
    if not os.path.isdir(fleet):
        sh(sys.executable, os.path.join(ROOT, "Benchmarks", "generate_fleet.py"), fleet, "100000", "100")
    floor = os.path.join(WORK, "libyaml_events")
    sh("cc", "-O2", os.path.join(SHARED, "libyaml_events.c"), "-o", floor, "-lyaml")
    files = sorted(os.path.join(fleet, f) for f in os.listdir(fleet))
    size = sum(os.path.getsize(f) for f in files) / 1e6
    results = alternate(runs, {
        "libyaml event loop": [floor] + files,
        "simfleet validate --format json": [SIMFLEET, "validate", "--format", "json", fleet],
        "simfleet validate": [SIMFLEET, "validate", fleet],
    })
    base = results["libyaml event loop"][0]
    print(f"\n## validate: 100,000 SIMs in {len(files)} files ({size:.1f} MB), median of {runs} runs")
    print("| command | median wall | ratio to libyaml | peak memory |")
    print("|---|---|---|---|")
    for name, (wall, rss) in results.items():
        print(f"| {name} | {wall:.3f} s | {wall / base:.2f}x | {rss:.0f} MB |")


CASES = {"validate": bench_validate}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("cases", nargs="*", choices=[[]] + list(CASES), default=[])
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    ensure_tools()
    build()
    print(f"machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    for name in args.cases or CASES:
        CASES[name](args.runs)


if __name__ == "__main__":
    main()
