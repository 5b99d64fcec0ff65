#!/usr/bin/env bash
# Builds the libFuzzer harnesses with AddressSanitizer and runs each (or those named after
# SECONDS: manifest config planfile json status) for SECONDS (default 60), starting from Seeds/<harness>/ and the harness's dictionary. A crash, hang or
# memory blow-up is saved in Crashes/<harness>/, which `swift test` replays on every run
# (FuzzReplayTests): commit it with the fix. Prints executions and executions per second.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
harnesses=${*:-manifest config planfile json status}
export SWIFT_BACKTRACE=enable=no   # the backtracer can hang after a crash
flags=(-c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)
swift build "${flags[@]}" || exit 1
bin=$(swift build "${flags[@]}" --show-bin-path)
mkdir -p logs
failed=0
printf '| harness | seconds | executions | executions/s | result |\n|---|---:|---:|---:|---|\n' > logs/summary.md
for name in $harnesses; do
  corpus=$(mktemp -d)
  cp Seeds/"$name"/* "$corpus"/
  "$bin/fuzz-$name" "$corpus" -dict="$name.dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="Crashes/$name/" -print_final_stats=1 > "logs/$name.log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$name.log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$name.log" | grep -o '[0-9]*$' || echo 0)
  result=$([ $status -eq 0 ] && echo "no failure" || echo "FAILED: see logs/$name.log and Crashes/$name/")
  [ $status -eq 0 ] || failed=1
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$seconds" "$runs" "$rate" "$result" >> logs/summary.md
  rm -rf "$corpus"
done
cat logs/summary.md
exit $failed
