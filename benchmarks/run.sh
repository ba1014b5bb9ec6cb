#!/usr/bin/env bash
# Runs the whole benchmark suite and prints one table (see docs/benchmarks.md).
#
#   benchmarks/run.sh                 all parts, full length (under 20 minutes on 2 cores)
#   benchmarks/run.sh --smoke         every measurement as briefly as possible (what CI runs)
#   benchmarks/run.sh --only=codec    some parts: codec, sink, upsert, source
#   benchmarks/run.sh --no-build ...  skip the Maven build (already built)
#   benchmarks/run.sh jmh [JMH args]  JMH's own command line over every JMH benchmark
#   benchmarks/run.sh main CLASS ...  another main of the module (e.g. the client-only e2e run)
#
# Results, the Markdown table and the charts go to benchmarks/target/benchmark-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
args=()
for a in "$@"; do
    if [[ "$a" == "--no-build" ]]; then build=false; else args+=("$a"); fi
done

if $build; then
    echo "Building the benchmarks module and what it needs (tests skipped) ..."
    mvn -B -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true
fi

cp="benchmarks/target/classes:$(cat benchmarks/target/benchmarks.classpath)"
heap="${BENCHMARK_HEAP:--Xmx3g}"

if [[ ${#args[@]} -gt 0 && "${args[0]}" == "jmh" ]]; then
    exec java $heap -cp "$cp" org.openjdk.jmh.Main "${args[@]:1}"
elif [[ ${#args[@]} -gt 0 && "${args[0]}" == "main" ]]; then
    exec java $heap -cp "$cp" "${args[@]:1}"
fi
exec java $heap -Djava.awt.headless=true -cp "$cp" \
    io.github.mctunnel.benchmarks.suite.BenchmarkSuite "${args[@]+"${args[@]}"}"
