#!/usr/bin/env bash
# The chaos soak (SoakDriver, through SoakITCase): on a real multi-process cluster with ZooKeeper
# high availability (ZooKeeper, two JobManagers, four TaskManagers) and the emulator as its own
# process, an exactly-once, an upsert and an at-least-once job write while the JobManager leader,
# TaskManagers (one, and two at once) and the emulator are killed and bursts of 503, 429 and
# connection resets are injected, on a schedule drawn from the seed. At the end every table is
# checked against what the sources produced; prints the figures and writes them as CSV
# (target/soak-<minutes>min-seed<seed>.csv). Exit status 0 only when nothing was lost or duplicated
# (at-least-once: nothing lost).
#
#   e2e-tests/soak.sh [--minutes N] [--seed S] [--offline] [--emulator-kills]
#
# The emulator is frozen (kill -STOP, then -CONT) for 5-15 s: an outage in which the service keeps
# its sessions. --emulator-kills kills it (kill -9) and starts it again on its data directory
# instead; the emulator then forgets every open session (it keeps only committed data), which the
# service never does.
#
# Builds what the cluster needs (the connector, the SQL jar, the emulator, the job jar) first.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=30
seed=1
offline=()
emulator_kills=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --offline|-o) offline=(-o); shift ;;
        --emulator-kills) emulator_kills=true; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (expected --minutes N --seed S [--offline])" >&2; exit 2 ;;
    esac
done
csv="$PWD/e2e-tests/target/soak-${minutes}min-seed${seed}.csv"
mvn -B "${offline[@]}" verify -pl e2e-tests -am \
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=SoakITCase -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dspotless.check.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
    -Dsoak.minutes="$minutes" -Dsoak.seed="$seed" -Dsoak.csv="$csv" -Dsoak.emulatorKills="$emulator_kills" \
    | grep --line-buffered -v '^\[INFO\]' || status=$?
status=${status:-0}
if [[ -f "$csv" ]]; then
    echo "figures: $csv"
    column -s, -t < "$csv" 2>/dev/null || cat "$csv"
fi
exit "$status"
