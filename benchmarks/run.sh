#!/usr/bin/env bash
# Runs every ftproute benchmark against its incumbent in one go and writes a markdown table to
# benchmarks/target/results.md (and prints it). Takes about 12 minutes on a 2-core machine.
#
#   benchmarks/run.sh            build the benchmarks jar, then measure
#   benchmarks/run.sh --quick    a smoke run of the harness (1 s per benchmark): not a result
#
# What runs (details in BENCHMARKS.md and in each benchmark's Javadoc):
#   1. JMH benchmarks through io.github.ftproute.benchmarks.Report: one fork each, -Xms = -Xmx,
#      -XX:+AlwaysPreTouch, 3 x 1 s warm-up, 5 x 1 s measurement, -prof gc; the median iteration.
#   2. Memory per affinity entry at 1,000,000 clients (JOL), io.github.ftproute.routing.AffinityMemory.
#   3. End to end through the example proxy vs straight to Apache FtpServer,
#      io.github.ftproute.benchmarks.EndToEnd (not JMH: real sockets on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
if [[ "${1:-}" == "--quick" ]]; then
  quick=(--quick)
fi

mvn -q -B package -DskipTests
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/results.md
start=$(date +%s)

{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(java -version 2>&1 | head -1)."
  echo
  echo "| benchmark | ours | incumbent | ratio | error |"
  echo "|---|---|---|---|---|"
} > "$out"

java -cp "$jar" io.github.ftproute.benchmarks.Report "${quick[@]}" --out "$out"
java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -Djol.magicFieldOffset=true \
  --add-exports java.base/jdk.internal.vm.annotation=ALL-UNNAMED \
  -cp "$jar" io.github.ftproute.routing.AffinityMemory --out "$out"
if [[ ${#quick[@]} -gt 0 ]]; then
  java -cp "$jar" io.github.ftproute.benchmarks.EndToEnd --rounds 1 --seconds 1 --big-mib 10 --out "$out"
else
  java -cp "$jar" io.github.ftproute.benchmarks.EndToEnd --out "$out"
fi

echo >&2
echo "benchmarks took $(( $(date +%s) - start )) s; table in $out" >&2
cat "$out"
