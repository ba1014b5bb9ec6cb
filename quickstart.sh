#!/usr/bin/env bash
# Quickstart: builds the project, starts the embedded Tunnel emulator, writes 10,000 events into a
# partitioned MaxCompute table with a Flink job and reads them back with another.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests -Dspotless.check.skip=true install -pl e2e-tests -am
mvn -B -q -pl e2e-tests exec:exec
