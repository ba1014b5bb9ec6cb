#!/usr/bin/env bash
# Quickstart: builds what the demo needs, then runs a Flink SQL pipeline that writes a stream of
# orders into MaxCompute tables (exactly-once into a partitioned table, upserts into a Delta table)
# with live progress, reads both back and prints a summary. Against the embedded Tunnel emulator by
# default; against a real project with --endpoint/--project/--access-id/--access-key-secret (or the
# MAXCOMPUTE_* environment variables). ./quickstart.sh --help lists the options.
set -euo pipefail
cd "$(dirname "$0")"
echo "Building (mvn compile -pl e2e-tests -am) ..."
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
if ! mvn -B -q -Dmaven.test.skip=true -Dspotless.check.skip=true compile -pl e2e-tests -am \
        >"$build_log" 2>&1; then
    cat "$build_log"
    echo "The build failed (see above)." >&2
    exit 1
fi
java -cp "e2e-tests/target/classes:$(cat e2e-tests/target/quickstart.classpath)" \
    io.github.mctunnel.e2e.Quickstart "$@"
