#!/usr/bin/env python3
"""simfleet's benchmarks, each measured side by side with its baseline from
../shared/bench/ in the same run, reporting medians and ratios.

    python3 Benchmarks/bench.py [--runs N] [CASE...]

Cases: validate, simulator, sweep, transport (needs SIMFLEET_BASELINE_BINARY), latency, ratelimit, apply, chaos, changed-since, history, escaping, ratelimited-apply, polls, static-binary (default: all). Builds simfleet in release mode first,
unless SIMFLEET_BINARY names another build to measure (an older commit, say).
Installs wrk and GNU time with apt-get when they are missing.
"""
import collections
import json
import math
import random
import urllib.request
import re
import signal
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
WORK = os.path.join(ROOT, "Benchmarks", "out")
SIMFLEET = os.environ.get("SIMFLEET_BINARY") or os.path.join(ROOT, ".build", "release", "simfleet")


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
    missing = [package for package, path in [("time", "/usr/bin/time"), ("wrk", "/usr/bin/wrk")] if not os.path.exists(path)]
    if missing:
        sh("apt-get", "update", "-qq", stdout=subprocess.DEVNULL)
        sh("apt-get", "install", "-y", "-qq", *missing, stdout=subprocess.DEVNULL)


def fleet_files(sims=100_000, files=100):
    """A benchmark fleet, its ICC list and a matching simulator seed, generated once."""
    fleet = os.path.join(WORK, "fleet" if sims == 100_000 else f"fleet-{sims}")
    if not os.path.exists(fleet + ".seed.json"):
        sh(sys.executable, os.path.join(ROOT, "Benchmarks", "generate_fleet.py"), fleet, str(sims), str(files))
    return fleet, fleet + ".iccs"


def seed_file(status="ACTIVATED"):
    """A simulator seed with every benchmark ICC in one status."""
    _, iccs = fleet_files()
    path = os.path.join(WORK, f"seed-{status.lower()}.json")
    if not os.path.exists(path):
        with open(iccs) as f:
            json.dump([{"icc": line.strip(), "status": status} for line in f if line.strip()], open(path, "w"))
    return path


class Simulator:
    """`simfleet simulator` on a free loopback port, stopped with SIGTERM on exit."""

    def __init__(self, *options):
        self.process = subprocess.Popen([SIMFLEET, "simulator", "--port", "0", *options],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        match = re.match(r"listening on (http://\S+)", line)
        if not match:
            self.process.kill()
            sys.exit(f"simulator did not start: {line!r}")
        self.url = match.group(1)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url, iccs, seconds=5, connections=32):
    env = dict(os.environ, ICCS_FILE=iccs, NEXCON_API_KEY="dev-key")
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", os.path.join(SHARED, "status.lua"),
                          f"{url}/api/v1/simcard/status"], env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(errors.group(1)) if errors else 0


def build():
    if os.environ.get("SIMFLEET_BINARY"):
        return
    sh("swift", "build", "-c", "release", "--product", "simfleet", cwd=ROOT, stdout=subprocess.DEVNULL)


def bench_validate(runs):
    """validate at 10,000, 100,000 and 1,000,000 SIMs (10, 100 and 1,000 files), each
    against the bare libyaml event loop run single-threaded over the same files. Goals:
    100k within 2x the loop and 100 MB; 1M within 1.0x the loop and 250 MB."""
    floor = os.path.join(WORK, "libyaml_events")
    sh("cc", "-O2", os.path.join(SHARED, "libyaml_events.c"), "-o", floor, "-lyaml")
    for sims, count in ((10_000, 10), (100_000, 100), (1_000_000, 1000)):
        fleet, _ = fleet_files(sims, count)
        files = sorted(os.path.join(fleet, f) for f in os.listdir(fleet))
        size = sum(os.path.getsize(f) for f in files) / 1e6
        results = alternate(runs, {
            "libyaml event loop": [floor] + files,
            "simfleet validate --format json": [SIMFLEET, "validate", "--format", "json", fleet],
            "simfleet validate": [SIMFLEET, "validate", fleet],
        })
        print(f"\n## validate: {sims:,} SIMs in {len(files)} files ({size:.1f} MB), median of {runs} runs")
        ratio_table(results, "libyaml event loop", "libyaml")


def plan_run(url, fleet, *options):
    """Runs `simfleet plan` against url; returns (wall seconds, peak MB, exit status)."""
    env = dict(os.environ, NEXCON_API_KEY="dev-key")
    started = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M", SIMFLEET, "plan", "--api-url", url, "--no-progress",
                              "--format", "json", *options, fleet], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - started
    return wall, int(process.stderr.decode().strip().splitlines()[-1]) / 1024, process.returncode


def bench_sweep(runs):
    fleet, iccs = fleet_files()
    runs = max(3, runs // 4)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "aiohttp"], capture_output=True)
    with Simulator("--seed", fleet + ".seed.json", "--job-duration", "0") as simulator:
        wrk(simulator.url, iccs, seconds=2)
        wrk_rps = statistics.median(wrk(simulator.url, iccs)[0] for _ in range(runs))
        peer = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, os.path.join(SHARED, "peer_status_sweep.py"), simulator.url, iccs, "32"],
                                 env=dict(os.environ, NEXCON_API_KEY="dev-key"), capture_output=True, text=True, check=True).stdout
            peer.append(float(re.search(r"rps=(\d+)", out).group(1)))
        plans = [plan_run(simulator.url, fleet, "--parallelism", "32") for _ in range(runs)]
    validate = statistics.median(measure([SIMFLEET, "validate", fleet])[0] for _ in range(runs))
    plan_wall = statistics.median(w for w, _, _ in plans)
    failed = [code for _, _, code in plans if code != 0]
    end_to_end = 100_000 / plan_wall
    sweep_only = 100_000 / max(plan_wall - validate, 0.001)
    peer_rps = statistics.median(peer)
    print(f"\n## sweep: simfleet plan over 100,000 SIMs, simulator without latency, parallelism 32, median of {runs}")
    print("| measure | value | ratio to wrk | ratio to aiohttp peer |")
    print("|---|---|---|---|")
    print(f"| wrk, status.lua, 32 connections | {wrk_rps:,.0f} req/s | 1.00x | |")
    print(f"| aiohttp peer, concurrency 32 | {peer_rps:,.0f} req/s | {peer_rps / wrk_rps:.2f}x | 1.00x |")
    print(f"| simfleet plan, end to end ({plan_wall:.2f} s) | {end_to_end:,.0f} SIMs/s | {end_to_end / wrk_rps:.2f}x | {end_to_end / peer_rps:.2f}x |")
    print(f"| simfleet plan less manifest loading ({validate:.2f} s) | {sweep_only:,.0f} SIMs/s | {sweep_only / wrk_rps:.2f}x | {sweep_only / peer_rps:.2f}x |")
    print(f"| simfleet plan peak memory | {max(m for _, m, _ in plans):.0f} MB | | |")
    print(f"| runs with errors | {len(failed)} | | |")


def bench_transport(runs):
    """The HTTP transport against another build's (SIMFLEET_BASELINE_BINARY, e.g. the
    commit before a transport change), side by side on one simulator: 100,000 SIMs on
    loopback at parallelism 32 with wrk and the aiohttp peer, then 10,000 SIMs with
    --latency 20ms, where real plans live."""
    baseline = os.environ.get("SIMFLEET_BASELINE_BINARY")
    if not baseline:
        sys.exit("transport: set SIMFLEET_BASELINE_BINARY to the build to compare with")
    fleet, iccs = fleet_files()
    runs = max(3, runs // 4)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "aiohttp"], capture_output=True)
    builds = {"baseline": baseline, "this build": SIMFLEET}

    def plans(url, fleet_path, parallelism):
        walls = {name: [] for name in builds}
        errors = 0
        for _ in range(runs):
            for name, binary in builds.items():
                env = dict(os.environ, NEXCON_API_KEY="dev-key")
                started = time.perf_counter()
                process = subprocess.run([binary, "plan", "--api-url", url, "--no-progress", "--format", "json",
                                          "--parallelism", str(parallelism), fleet_path],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                walls[name].append(time.perf_counter() - started)
                errors += process.returncode != 0
        return {name: statistics.median(w) for name, w in walls.items()}, errors

    with Simulator("--seed", fleet + ".seed.json", "--job-duration", "0") as simulator:
        wrk(simulator.url, iccs, seconds=2)
        wrk_rps, peer, walls, errors = [], [], {name: [] for name in builds}, 0
        for _ in range(runs):
            wrk_rps.append(wrk(simulator.url, iccs)[0])
            out = subprocess.run([sys.executable, os.path.join(SHARED, "peer_status_sweep.py"), simulator.url, iccs, "32"],
                                 env=dict(os.environ, NEXCON_API_KEY="dev-key"), capture_output=True, text=True, check=True).stdout
            peer.append(float(re.search(r"rps=(\d+)", out).group(1)))
            once, failed = plans(simulator.url, fleet, 32)
            errors += failed
            for name, wall in once.items():
                walls[name].append(wall)
    validate = statistics.median(measure([SIMFLEET, "validate", fleet])[0] for _ in range(runs))
    wrk_median, peer_median = statistics.median(wrk_rps), statistics.median(peer)
    print(f"\n## transport: simfleet plan over 100,000 SIMs, loopback, parallelism 32, median of {runs} (baseline {baseline})")
    print("| measure | value | ratio to wrk | ratio to aiohttp peer |")
    print("|---|---|---|---|")
    print(f"| wrk, status.lua, 32 connections | {wrk_median:,.0f} req/s | 1.00x | |")
    print(f"| aiohttp peer, concurrency 32 | {peer_median:,.0f} req/s | {peer_median / wrk_median:.2f}x | 1.00x |")
    for name in builds:
        wall = statistics.median(walls[name])
        sweep_only = 100_000 / max(wall - validate, 0.001)
        print(f"| {name}: plan end to end ({wall:.2f} s) | {100_000 / wall:,.0f} SIMs/s | {100_000 / wall / wrk_median:.2f}x | {100_000 / wall / peer_median:.2f}x |")
        print(f"| {name}: less manifest loading ({validate:.2f} s) | {sweep_only:,.0f} SIMs/s | {sweep_only / wrk_median:.2f}x | {sweep_only / peer_median:.2f}x |")
    print(f"| runs with errors | {errors} | | |")

    small, _ = fleet_files(10_000, 10)
    with Simulator("--seed", small + ".seed.json", "--latency", "20ms") as simulator:
        latency, failed = plans(simulator.url, small, 32)
    print(f"\n## transport with latency: 10,000 SIMs, simulator --latency 20ms, parallelism 32, median of {runs}")
    print("| build | plan end to end | ratio to baseline |")
    print("|---|---|---|")
    for name in builds:
        print(f"| {name} | {latency[name]:.2f} s | {latency[name] / latency['baseline']:.3f}x |")
    print(f"| ideal (10,000 x 20 ms / 32) | {10_000 * 0.020 / 32:.2f} s | |")
    print(f"| runs with errors | {failed} | |")


def bench_latency(runs):
    fleet, _ = fleet_files(10_000, 10)
    runs = max(3, runs // 4)
    with Simulator("--seed", fleet + ".seed.json", "--latency", "50ms") as simulator:
        plans = [plan_run(simulator.url, fleet, "--parallelism", "64") for _ in range(runs)]
    ideal = 10_000 * 0.050 / 64
    wall = statistics.median(w for w, _, _ in plans)
    print(f"\n## latency: 10,000 SIMs, simulator --latency 50ms, parallelism 64, median of {runs}")
    print("| measure | value |")
    print("|---|---|")
    print(f"| ideal (N x latency / parallelism) | {ideal:.2f} s |")
    print(f"| simfleet plan, end to end | {wall:.2f} s |")
    print(f"| ratio to ideal (goal <= 1.15x) | {wall / ideal:.2f}x |")
    print(f"| runs with errors | {sum(1 for _, _, c in plans if c != 0)} |")


def bench_ratelimit(runs):
    fleet, _ = fleet_files(3_000, 3)
    with Simulator("--seed", fleet + ".seed.json", "--rate-limit", "200") as simulator:
        wall, _, code = plan_run(simulator.url, fleet, "--parallelism", "32")
        calls = json.loads(subprocess.run(["curl", "-s", "-H", "Authorization: bearer dev-key", f"{simulator.url}/_simulator/calls"],
                                          capture_output=True, text=True).stdout)["calls"]
    limited = sum(1 for c in calls if c["code"] == 429)
    print("\n## rate limit: 3,000 SIMs, simulator --rate-limit 200, parallelism 32, one run")
    print("| measure | value |")
    print("|---|---|")
    print(f"| simfleet plan, end to end | {wall:.2f} s |")
    print(f"| effective rate | {3000 / wall:.0f} SIMs/s ({3000 / wall / 200:.2f}x of 200; goal >= 0.85x) |")
    print(f"| 429 answers | {limited} |")
    print(f"| exit status (0: every SIM read, no changes) | {code} |")


def bench_apply(runs):
    """10,000 single-step SIMs (activate or block), jobs of 1 s, parallelism 64."""
    fleet = os.path.join(WORK, "fleet-apply")
    if not os.path.exists(fleet + ".seed.json"):
        sh(sys.executable, os.path.join(ROOT, "Benchmarks", "generate_fleet.py"), fleet, "10000", "10", "active,blocked")
    seed = os.path.join(WORK, "fleet-apply.one-step.json")
    with open(fleet + ".seed.json") as f:
        records = json.load(f)
    for record in records:  # one step from each declared state
        record["status"] = {"ACTIVATED": "INACTIVE", "BLOCKED": "ACTIVATED"}[record["status"]]
    with open(seed, "w") as f:
        json.dump(records, f)
    env = dict(os.environ, NEXCON_API_KEY="dev-key")
    with Simulator("--seed", seed, "--job-duration", "1s") as simulator:
        sweep, _, _ = plan_run(simulator.url, fleet, "--parallelism", "64")
        started = time.perf_counter()
        result = subprocess.run([SIMFLEET, "apply", fleet, "--api-url", simulator.url, "--auto-approve", "--force", "--parallelism", "64",
                                 "--no-progress", "--journal", os.path.join(WORK, f"apply-journal-{time.time_ns()}.jsonl"), "--format", "json"],
                                env=env, capture_output=True, text=True, cwd=WORK)
        wall = time.perf_counter() - started
    report = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    if result.returncode not in (0, 3):
        print(result.stderr[-2000:])
    steps = len(records)
    # Up to 4x --parallelism steps in flight: a step waiting for its job holds no request.
    ideal = math.ceil(steps / (4 * 64)) * 1.0 + sweep
    print("\n## apply: 10,000 single-step SIMs, --job-duration 1s, parallelism 64, one run")
    print("| measure | value |")
    print("|---|---|")
    print(f"| sweep (simfleet plan, same fleet) | {sweep:.2f} s |")
    print(f"| ideal: 1 wave x ceil({steps:,} / (4 x 64 steps in flight)) x 1 s + sweep | {ideal:.2f} s |")
    print(f"| simfleet apply, end to end | {wall:.2f} s |")
    print(f"| ratio to ideal (goal <= 1.3x) | {wall / ideal:.2f}x |")
    print(f"| outcome | exit {result.returncode}, {report.get('summary', {}).get('confirmed', 0):,} confirmed |")


def inactive_fleet(name, sims):
    """A one-file fleet of `sims` SIMs declared active and a seed with each inactive:
    every SIM needs one activation. Returns (fleet, seed, records)."""
    fleet = os.path.join(WORK, name)
    if not os.path.exists(fleet + ".seed.json"):
        sh(sys.executable, os.path.join(ROOT, "Benchmarks", "generate_fleet.py"), fleet, str(sims), "1", "active")
    seed = fleet + ".inactive.json"
    with open(fleet + ".seed.json") as f:
        records = json.load(f)
    for record in records:
        record["status"] = "INACTIVE"
    with open(seed, "w") as f:
        json.dump(records, f)
    return fleet, seed, records


def bench_ratelimited_apply(runs):
    """300 single-step SIMs (activations) against a simulator allowing 20 requests a second
    with 2 s jobs: `apply plan.json --rate 20`. The ideal is 3 calls per step (the read
    before acting, the action, one read after the job) at the limit, plus one job time
    for the wave. Goal: within 1.3x."""
    fleet, seed, records = inactive_fleet("fleet-ratelimited", 300)
    env = dict(os.environ, NEXCON_API_KEY="dev-key")
    walls, spreads, counts = [], [], []
    for run in range(max(1, runs // 4)):
        with Simulator("--seed", seed, "--job-duration", "2s", "--rate-limit", "20") as simulator:
            plan = os.path.join(WORK, "ratelimited-plan.json")
            sh(SIMFLEET, "plan", fleet, "--api-url", simulator.url, "--rate", "20", "--no-progress", "--out", plan,
               env=env, stdout=subprocess.DEVNULL, cwd=WORK)
            calls_before = len(json.load(urllib.request.urlopen(urllib.request.Request(
                simulator.url + "/_simulator/calls", headers={"Authorization": "bearer dev-key"})))["calls"])
            journal = os.path.join(WORK, f"ratelimited-journal-{time.time_ns()}.jsonl")
            started = time.perf_counter()
            result = subprocess.run([SIMFLEET, "apply", plan, "--api-url", simulator.url, "--rate", "20", "--no-progress",
                                     "--journal", journal, "--format", "json"], env=env, capture_output=True, text=True, cwd=WORK)
            walls.append(time.perf_counter() - started)
            calls = json.load(urllib.request.urlopen(urllib.request.Request(
                simulator.url + "/_simulator/calls", headers={"Authorization": "bearer dev-key"})))["calls"][calls_before:]
        if result.returncode != 0:
            print(result.stderr[-2000:])
        intents = [json.loads(line)["at"] for line in open(journal) if '"type":"intent"' in line]
        stamps = sorted(time.mktime(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) + float("0" + t[19:-1]) for t in intents)
        spreads.append(stamps[-1] - stamps[0] if stamps else 0)
        counts.append((sum(c["path"].endswith("/status") for c in calls), sum(not c["path"].endswith("/status") for c in calls),
                       sum(c.get("code") == 429 for c in calls)))
    ideal = 3 * len(records) / 20 + 2
    wall = statistics.median(walls)
    status_calls, actions, refused = counts[walls.index(sorted(walls)[len(walls) // 2])]
    print(f"\n## ratelimited-apply: {len(records)} single-step SIMs, simulator --rate-limit 20 --job-duration 2s, apply plan.json --rate 20, median of {len(walls)} runs")
    print("| measure | value |")
    print("|---|---|")
    print(f"| ideal: 3 calls x {len(records)} steps / 20 per s + one 2 s job | {ideal:.1f} s |")
    print(f"| simfleet apply, end to end | {wall:.1f} s (runs: {', '.join(f'{w:.1f}' for w in walls)}) |")
    print(f"| ratio to ideal (goal <= 1.3x) | {wall / ideal:.2f}x |")
    print(f"| intents spread over | {statistics.median(spreads):.1f} s |")
    print(f"| calls: status reads / actions / answered 429 | {status_calls} / {actions} / {refused} |")
    print(f"| outcome | exit {result.returncode} |")


def bench_polls(runs):
    """Reads per job: 20 single-step SIMs (activations) applied against a simulator whose
    jobs take 1 s, 10 s and 60 s, one apply each, no rate limit. Every SIM is in the first
    wave, so no job has been seen to end when they are sent: the schedule's worst case.
    Reads per job are the status reads after the action (the read before acting is not
    counted). Before the schedule backed off from its first read: about 6, 41 and 241."""
    fleet, seed, records = inactive_fleet("fleet-polls", 20)
    env = dict(os.environ, NEXCON_API_KEY="dev-key")
    print(f"\n## polls: {len(records)} activations a run, every job started before any ended, one run per job time")
    print("| job time | reads per job (median, max) | calls per step | apply wall | lag after the job (wall - job) |")
    print("|---|---|---|---|---|")
    for seconds in (1, 10, 60):
        with Simulator("--seed", seed, "--job-duration", f"{seconds}s") as simulator:
            journal = os.path.join(WORK, f"polls-journal-{time.time_ns()}.jsonl")
            started = time.perf_counter()
            result = subprocess.run([SIMFLEET, "apply", fleet, "--api-url", simulator.url, "--no-progress", "--auto-approve",
                                     "--journal", journal, "--format", "json"], env=env, capture_output=True, text=True, cwd=WORK)
            wall = time.perf_counter() - started
            calls = json.load(urllib.request.urlopen(urllib.request.Request(
                simulator.url + "/_simulator/calls", headers={"Authorization": "bearer dev-key"})))["calls"]
        if result.returncode != 0:
            sys.exit(f"apply failed: {result.stderr[-2000:]}")
        # Per SIM: the status reads after its action was accepted.
        acted, reads = set(), collections.Counter()
        for call in calls:
            icc = call.get("icc")
            if not call["path"].endswith("/status"):
                acted.add(icc)
            elif icc in acted:
                reads[icc] += 1
        per_job = sorted(reads[r["icc"]] for r in records)
        steps = len(acted)
        print(f"| {seconds} s | {statistics.median(per_job):.0f}, {per_job[-1]} | {len(calls) / max(1, steps):.2f} | {wall:.1f} s | {wall - seconds:.2f} s |")
    print("(calls per step: the plan's sweep, the read before acting, the action and the reads after it)")


def chaos_converged(url, declared):
    request = urllib.request.Request(f"{url}/_simulator/sims", headers={"Authorization": "bearer dev-key"})
    sims = json.load(urllib.request.urlopen(request, timeout=60))["sims"]
    return all(sim["status"] == declared[sim["icc"]] for sim in sims)


def bench_chaos(runs):
    """1,000 SIMs under dropped connections, 500s and failing jobs; apply killed with SIGKILL
    at random moments at least 30 times, then re-run until it converges. Nothing is timed:
    the case checks that no action was applied twice unless the earlier job failed. Applies
    run in Benchmarks/out, so their lock and journals stay out of the repository's."""
    fleet = os.path.join(WORK, "fleet-chaos")
    if not os.path.exists(fleet + ".seed.json"):
        sh(sys.executable, os.path.join(ROOT, "Benchmarks", "generate_fleet.py"), fleet, "1000", "4", "active,blocked")
    rng = random.Random(11)
    with open(fleet + ".seed.json") as f:
        records = json.load(f)
    for record in records:  # one or two steps from each declared state
        record["status"] = rng.choice({"ACTIVATED": ["INACTIVE", "BLOCKED"], "BLOCKED": ["INACTIVE", "ACTIVATED"]}[record["status"]])
    declared = {record["icc"]: record["status"] for record in json.load(open(fleet + ".seed.json"))}
    seed = os.path.join(WORK, "fleet-chaos.start.json")
    with open(seed, "w") as f:
        json.dump(records, f)
    journals = os.path.join(WORK, "chaos-journals")
    if os.path.exists(journals):
        for name in os.listdir(journals):
            os.remove(os.path.join(journals, name))
    os.makedirs(journals, exist_ok=True)
    env = dict(os.environ, NEXCON_API_KEY="dev-key")
    kills, rounds, final = 0, 0, None
    with Simulator("--seed", seed, "--job-duration", "200ms", "--drop-rate", "0.3", "--fail-rate", "0.2",
                   "--job-failure-rate", "0.1", "--random-seed", "11", "--call-log", "5000000") as simulator:
        while rounds < 300:
            rounds += 1
            journal = os.path.join(journals, f"round-{rounds:03d}.jsonl")
            process = subprocess.Popen([SIMFLEET, "apply", fleet, "--api-url", simulator.url, "--auto-approve", "--force",
                                        "--parallelism", "32", "--no-progress", "--journal", journal, "--format", "json",
                                        # A job that failed before its running status was seen leaves no
                                        # evidence and waits this out as unknown; the next round takes it.
                                        "--wait-timeout", "20s"],
                                       env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=WORK)
            if kills < 30:
                # Kill while actions are being sent: after the journal shows the first intent
                # (before that only status reads happen), at a random moment within 0.6 s, so
                # that 30 kills come before the fleet converges.
                deadline = time.monotonic() + 300
                while process.poll() is None and time.monotonic() < deadline:
                    if os.path.exists(journal) and '"type":"intent"' in open(journal).read():
                        break
                    time.sleep(0.05)
                try:
                    process.wait(timeout=rng.uniform(0.0, 0.6))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    kills += 1
                    continue
            out, _ = process.communicate(timeout=900)
            final = process.returncode
            # Converged when every SIM is in its declared state. With half of all requests
            # failing, a whole round rarely reads every status, so exit 0 is not the test.
            if final == 0 or chaos_converged(simulator.url, declared):
                break
        chaos_converged_at_end = chaos_converged(simulator.url, declared)
        request = urllib.request.Request(f"{simulator.url}/_simulator/calls", headers={"Authorization": "bearer dev-key"})
        log = json.load(urllib.request.urlopen(request, timeout=60))
    applied = collections.Counter()
    for call in log["calls"]:
        if call["path"].endswith("/status") or not call.get("icc"):
            continue
        if (call["code"] == 200 and call.get("jobId")) or call.get("applied"):
            applied[(call["icc"], call["path"].rsplit("/", 1)[1])] += 1
    failed = collections.Counter((job["icc"], job["action"]) for job in log["failedJobs"])
    duplicates = {key: count for key, count in applied.items() if count > 1 + failed[key]}
    per_sim = collections.Counter(applied[key] for key in applied)
    records = collections.Counter()
    unfinished = 0
    for name in sorted(os.listdir(journals)):
        with open(os.path.join(journals, name)) as f:
            kinds = [json.loads(line)["type"] for line in f if line.strip()]
        records.update(kinds)
        unfinished += "summary" not in kinds
    print("\n## chaos: 1,000 SIMs, --drop-rate 0.3 --fail-rate 0.2 --job-failure-rate 0.1, apply killed at random")
    print("| measure | value |")
    print("|---|---|")
    print(f"| rounds (apply runs) | {rounds} |")
    print(f"| of which killed with SIGKILL | {kills} |")
    print(f"| converged (every SIM in its declared state) | {'yes' if chaos_converged_at_end else 'NO'} |")
    print(f"| last round's exit status | {final} (3 when some status stayed unreadable after 6 tries) |")
    print(f"| calls logged / forgotten | {len(log['calls']):,} / {log['forgotten']:,} |")
    print(f"| (SIM, action) pairs applied | {len(applied):,} |")
    print(f"| applied once / twice / more | {per_sim[1]:,} / {per_sim[2]:,} / {sum(v for k, v in per_sim.items() if k > 2):,} |")
    print(f"| failed jobs (a later resend is legitimate) | {sum(failed.values()):,} |")
    print(f"| applied twice without an earlier failed job | {len(duplicates)} |")
    print(f"| journals / without a summary (killed) | {len(os.listdir(journals))} / {unfinished} |")
    print(f"| journal records by type | {', '.join(f'{k} {v:,}' for k, v in sorted(records.items()))} |")
    if duplicates:
        print(f"DUPLICATES: {sorted(duplicates.items())[:20]}")


def fleet_repository(name):
    """A git repository whose first commit holds the 100,000-SIM fleet under manifests/.
    Returns its path, and the git command to extend it when it was just made (else None)."""
    fleet, _ = fleet_files()
    repo = os.path.join(WORK, name)
    if os.path.exists(os.path.join(repo, ".git")):
        return repo, None
    subprocess.run(["rm", "-rf", repo], check=True)
    os.makedirs(repo)
    sh("cp", "-r", fleet, os.path.join(repo, "manifests"))
    git = ["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    sh("git", "init", "-q", "-b", "main", repo)
    sh(*git, "add", "-A")
    sh(*git, "commit", "-q", "-m", "fleet")
    return repo, git


def ratio_table(results, base, against):
    """Medians, each as a ratio to `base`'s, as a markdown table."""
    print(f"| command | median wall | ratio to {against} | peak memory |")
    print("|---|---|---|---|")
    for name, (wall, rss) in results.items():
        print(f"| {name} | {wall:.3f} s | {wall / results[base][0]:.2f}x | {rss:.0f} MB |")


def bench_changed_since(runs):
    """A 100,000-SIM repository in which the last commit changed 3 SIMs: plan --changed-since
    HEAD~1 against validate of the same fleet, and the status calls it made."""
    fleet, _ = fleet_files()
    repo, git = fleet_repository("changed-since-repo")
    if git:
        first = os.path.join(repo, "manifests", sorted(os.listdir(os.path.join(repo, "manifests")))[0])
        text = open(first).read()
        assert text.count("state: active") >= 3
        open(first, "w").write(text.replace("state: active", "state: blocked", 3))
        sh(*git, "commit", "-q", "-a", "-m", "block 3 SIMs")
    env = dict(os.environ, NEXCON_API_KEY="dev-key")
    with Simulator("--seed", fleet + ".seed.json", "--job-duration", "0") as simulator:
        plan = ["env", f"NEXCON_API_KEY=dev-key", SIMFLEET, "plan", "--api-url", simulator.url, "--no-progress",
                "--format", "json", "--changed-since", "HEAD~1", "manifests"]
        validate = [SIMFLEET, "validate", "manifests"]
        cwd = os.getcwd()
        os.chdir(repo)
        try:
            results = alternate(runs, {"simfleet validate": validate, "simfleet plan --changed-since HEAD~1": plan})
            out = subprocess.run(plan[2:], env=env, capture_output=True, text=True).stdout
        finally:
            os.chdir(cwd)
        calls = json.load(urllib.request.urlopen(urllib.request.Request(
            simulator.url + "/_simulator/calls", headers={"Authorization": "bearer dev-key"})))["calls"]
    status_calls = [c for c in calls if c["path"].endswith("/status")]
    steps = json.loads(out)["steps"]
    per_run = len(status_calls) / (runs + 1)
    print(f"\n## changed-since: 100,000 SIMs in 100 files, the last commit changed 3, median of {runs} runs")
    ratio_table(results, "simfleet validate", "validate")
    print(f"| status calls per plan | {per_run:g} (of {len(status_calls)} over {runs + 1} plans) | | |")
    print(f"| steps planned | {len(steps)} | | |")


def history_repository(commits):
    """The 100,000-SIM fleet tagged `base`, then `commits` commits each changing 3 SIMs of
    one file (restore or block, some undone later). Made once per count."""
    repo, git = fleet_repository("history-repo" if commits == 200 else f"history-repo-{commits}")
    if git:
        sh(*git, "tag", "base")
        files = sorted(os.listdir(os.path.join(repo, "manifests")))
        random.seed(7)
        for number in range(commits):
            path = os.path.join(repo, "manifests", files[random.randrange(len(files))])
            text = open(path).read()
            old, new = ("state: active", "state: blocked") if number % 2 == 0 else ("state: blocked", "state: active")
            if text.count(old) < 3:
                old, new = new, old
            open(path, "w").write(text.replace(old, new, 3))
            sh(*git, "commit", "-q", "-a", "-m", f"change {number}")
    # Planned in a clone, as CI plans in actions/checkout's: packed, where the repository
    # the commits were made in holds every object loose (each blame ~5x slower).
    clone = repo + "-clone"
    if not os.path.exists(os.path.join(clone, ".git")):
        subprocess.run(["rm", "-rf", clone], check=True)
        sh("git", "clone", "-q", "--no-local", repo, clone)
    return clone


def bench_history(runs):
    """--changed-since over a long history: 200 (then 2,000) commits after the base, each
    changing 3 SIMs, on 100,000 SIMs in 100 files, against validate of the same fleet, with
    explanations (the default) and without. Goals at 200 commits: within 4x validate with
    explanations, 3x without; 2,000 commits reported."""
    fleet, _ = fleet_files()
    for commits in (200, 2000):
        repo = history_repository(commits)
        with Simulator("--seed", fleet + ".seed.json", "--job-duration", "0") as simulator:
            plan = ["env", "NEXCON_API_KEY=dev-key", SIMFLEET, "plan", "--api-url", simulator.url, "--no-progress",
                    "--format", "json", "--changed-since", "base", "manifests"]
            validate = [SIMFLEET, "validate", "manifests"]
            cwd = os.getcwd()
            os.chdir(repo)
            try:
                results = alternate(runs if commits == 200 else max(1, runs // 3), {
                    "simfleet validate": validate,
                    f"simfleet plan --changed-since base ({commits} commits)": plan,
                    f"simfleet plan --changed-since base ({commits} commits) --no-explain": plan + ["--no-explain"],
                })
                out = subprocess.run(plan[2:], env=dict(os.environ, NEXCON_API_KEY="dev-key"), capture_output=True, text=True).stdout
            finally:
                os.chdir(cwd)
        checked = len(json.loads(out)["sims"])
        print(f"\n## history: 100,000 SIMs in 100 files, {commits} commits of 3 changes each since the base, median of {runs if commits == 200 else max(1, runs // 3)} runs")
        ratio_table(results, "simfleet validate", "validate")
        print(f"| SIMs checked | {checked} | | |")


def bench_escaping(runs):
    """Hostile notes: one SIM whose name and note hold 160,000 line breaks (and one with a
    1.2 MB note), planned in each format against the simulator, beside validate of the same
    file. Escaping is linear, so each stays within a small multiple of validate."""
    folder = os.path.join(WORK, "escaping")
    os.makedirs(os.path.join(folder, "manifests"), exist_ok=True)
    breaks = "\\r\\n" * 160_000
    wide = "x" * 1_200_000
    with open(os.path.join(folder, "manifests", "hostile.yaml"), "w") as f:
        f.write("version: 1\nsims:\n")
        f.write(f'  - icc: "89450100250731069754"\n    name: "{breaks}"\n    state: blocked\n    note: "{breaks}"\n')
        f.write(f'  - icc: "89450100250731069937"\n    state: blocked\n    note: "{wide}"\n')
    seed = os.path.join(folder, "seed.json")
    json.dump([{"icc": "89450100250731069754", "status": "ACTIVATED"}, {"icc": "89450100250731069937", "status": "ACTIVATED"}],
              open(seed, "w"))
    with Simulator("--seed", seed, "--job-duration", "0") as simulator:
        commands = {"simfleet validate": [SIMFLEET, "validate", os.path.join(folder, "manifests")]}
        for fmt in ["text", "markdown", "github", "json"]:
            commands[f"simfleet plan --format {fmt}"] = ["env", "NEXCON_API_KEY=dev-key", SIMFLEET, "plan", "--api-url", simulator.url,
                                                        "--no-progress", "--format", fmt, os.path.join(folder, "manifests")]
        results = alternate(runs, commands)
    size = os.path.getsize(os.path.join(folder, "manifests", "hostile.yaml")) / 1e6
    print(f"\n## escaping: a {size:.1f} MB manifest, notes of 160,000 line breaks and 1.2 MB, median of {runs} runs")
    ratio_table(results, "simfleet validate", "validate")


def bench_simulator(runs):
    _, iccs = fleet_files()
    runs = max(3, runs // 4)
    with Simulator("--seed", seed_file(), "--job-duration", "0") as simulator:
        wrk(simulator.url, iccs, seconds=2)  # warm up
        results = [wrk(simulator.url, iccs) for _ in range(runs)]
    rates = sorted(rps for rps, _ in results)
    errors = sum(e for _, e in results)
    print(f"\n## simulator: wrk -t1 -c32 with status.lua over 100,000 ICCs, {runs} runs of 5 s")
    print("| measure | value |")
    print("|---|---|")
    print(f"| median status requests/s | {statistics.median(rates):,.0f} |")
    print(f"| range | {rates[0]:,.0f} to {rates[-1]:,.0f} |")
    print(f"| ratio to the 30,000/s goal | {statistics.median(rates) / 30000:.2f}x |")
    print(f"| non-2xx responses | {errors} |")


def bench_static_binary(runs):
    """The binary the generated workflows build (.ci/build-static): what it links, its size,
    and validate's speed beside the dynamically linked release build."""
    built = subprocess.run([os.path.join(ROOT, ".ci", "build-static")], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode().strip()
    binary = os.path.join(ROOT, built)
    linked = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, check=True).stdout.decode()
    stripped = os.path.join(WORK, "simfleet-stripped")
    sh("strip", "-o", stripped, binary)
    fleet, _ = fleet_files()
    static = statistics.median(measure([binary, "validate", fleet])[0] for _ in range(runs))
    dynamic = statistics.median(measure([SIMFLEET, "validate", fleet])[0] for _ in range(runs))
    print(f"\n## static-binary: `.ci/build-static`, median of {runs} runs")
    print("\n`ldd` (the check fails on libyaml, libswift*, libFoundation*, libdispatch):\n\n```")
    print("\n".join(line.split(" (0x")[0].strip() for line in linked.strip().splitlines()))
    print("```\n")
    print("| | size | validate, 100,000 SIMs |")
    print("|---|---|---|")
    print(f"| static | {os.path.getsize(binary) / 1e6:.0f} MB ({os.path.getsize(stripped) / 1e6:.0f} MB stripped) | {static:.3f} s, {static / dynamic:.2f}x the dynamic build |")
    print(f"| dynamic release build | {os.path.getsize(SIMFLEET) / 1e6:.0f} MB | {dynamic:.3f} s, 1.00x |")


def explain_repository():
    """1,000 SIMs in 100 manifest files, each declared blocked, written over 40 commits:
    squash merges naming a pull request, and merged branches whose merge names one."""
    repo = os.path.join(WORK, "explain-repo")
    if os.path.exists(os.path.join(repo, ".git")):
        return repo
    subprocess.run(["rm", "-rf", repo], check=True)
    os.makedirs(os.path.join(repo, "manifests"))
    git = ["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    sh("git", "init", "-q", "-b", "main", repo)
    iccs = [line.strip() for line in open(fleet_files()[1]) if line.strip()][:1000]
    def write(file, state):
        lines = ["version: 1", "defaults:", "  state: active", "sims:"]
        for icc in iccs[file * 10:(file + 1) * 10]:
            lines += [f'  - icc: "{icc}"', f"    state: {state}"]
        open(os.path.join(repo, "manifests", f"m{file:03}.yaml"), "w").write("\n".join(lines) + "\n")
    for file in range(100):
        write(file, "active")
    sh(*git, "add", "-A")
    sh(*git, "commit", "-q", "-m", "fleet (#1)")
    for batch in range(40):
        files = range(batch * 100 // 40, (batch + 1) * 100 // 40)
        if batch % 2:
            sh(*git, "checkout", "-q", "-b", f"b{batch}")
        for file in files:
            write(file, "blocked")
        sh(*git, "commit", "-q", "-a", "-m", f"block batch {batch}" + ("" if batch % 2 else f" (#{batch + 2})"))
        if batch % 2:
            sh(*git, "checkout", "-q", "main")
            sh(*git, "merge", "-q", "--no-ff", "-m", f"Merge pull request #{batch + 2} from team/b{batch}", f"b{batch}")
    return repo


def bench_explain(runs):
    """A plan of 1,000 steps over 100 files with explanations (git blame per file, and the
    merge behind each commit without a number) against the same plan without them: with a
    simulator that answers at once (the explanations' whole cost shows), and with 50 ms
    of latency a request (still far quicker than NexCon's 10 to 20 requests a second)."""
    repo = explain_repository()
    seed = os.path.join(WORK, "explain-seed.json")
    iccs = [line.strip() for line in open(fleet_files()[1]) if line.strip()][:1000]
    json.dump([{"icc": icc, "status": "ACTIVATED"} for icc in iccs], open(seed, "w"))
    for latency, count in [("0ms", runs), ("50ms", max(3, runs // 2))]:
        with Simulator("--seed", seed, "--job-duration", "0", "--latency", latency) as simulator:
            plan = ["env", "NEXCON_API_KEY=dev-key", SIMFLEET, "plan", "--api-url", simulator.url, "--no-progress", "--format", "json", "manifests"]
            cwd = os.getcwd()
            os.chdir(repo)
            try:
                results = alternate(count, {"simfleet validate": [SIMFLEET, "validate", "manifests"],
                                            "simfleet plan --no-explain": plan + ["--no-explain"],
                                            "simfleet plan (explained)": plan})
                out = json.loads(subprocess.run(plan[2:], env=dict(os.environ, NEXCON_API_KEY="dev-key"), capture_output=True, text=True).stdout)
            finally:
                os.chdir(cwd)
        steps = out["steps"]
        numbered = sum(1 for step in steps if (step.get("declared") or {}).get("pullRequest"))
        print(f"\n## explain: 1,000 steps over 100 files, 40 commits (half merged branches), simulator --latency {latency}, median of {count} runs")
        ratio_table(results, "simfleet plan --no-explain", "plan --no-explain")
        print(f"| explanations' own cost | {results['simfleet plan (explained)'][0] - results['simfleet plan --no-explain'][0]:.3f} s | | |")
        print(f"| steps planned / naming a pull request | {len(steps)} / {numbered} | | |")


CASES = {"validate": bench_validate, "simulator": bench_simulator, "sweep": bench_sweep, "transport": bench_transport, "latency": bench_latency,
         "ratelimit": bench_ratelimit, "apply": bench_apply, "chaos": bench_chaos, "changed-since": bench_changed_since,
         "history": bench_history, "escaping": bench_escaping, "ratelimited-apply": bench_ratelimited_apply, "polls": bench_polls,
         "static-binary": bench_static_binary, "explain": bench_explain}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("cases", nargs="*", choices=[[]] + list(CASES), default=[])
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    ensure_tools()
    build()
    print(f"machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    for name in args.cases or [name for name in CASES if name != "transport" or os.environ.get("SIMFLEET_BASELINE_BINARY")]:
        CASES[name](args.runs)


if __name__ == "__main__":
    main()
