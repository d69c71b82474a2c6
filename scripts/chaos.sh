#!/usr/bin/env bash
# Crash consistency under kill -9, any number of cases: scripts/chaos.sh [cases (default 20)] [seed (default 1)]
#
# Each case runs a training command (train-ae, train --model calm, train --model baseline, or a whole quickstart)
# in its own JVM, kills it with SIGKILL at a random time, while a checkpoint or the final model is being
# written, right after a metrics.jsonl line was appended (then tears that line), or at a stage boundary, up to
# three times, then lets the same command finish; the weights and the whole metrics trajectory must equal those
# of an uninterrupted run, bit for bit, with no temporary file left (ChaosHarness, ChaosTest). The outcome of
# every case is in calm-examples/target/chaos-report.txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cases="${1:-20}"
seed="${2:-1}"
./mvnw -q -B verify -pl calm-examples -am -Dmaven.javadoc.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='ChaosTest#manyRandomCases' -Dcalm.chaos.cases="$cases" -Dcalm.chaos.seed="$seed" >/dev/null 2>&1 || status=$?
cat calm-examples/target/chaos-report.txt 2>/dev/null || echo "no report: see calm-examples/target/surefire-reports"
exit "${status:-0}"
