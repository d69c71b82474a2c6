#!/usr/bin/env bash
# Fuzzing of every file the library reads (FuzzTest): CASES mutations per target (default 10000) from SEED.
#   scripts/fuzz.sh [CASES=10000] [SEED=1]
# Prints, per target, how many cases were read, rejected with the library's own error, or were a bug or a hang
# (calm-examples/target/fuzz-report.txt); exits 1 if any bug or hang was found.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
status=0
./mvnw -q -B verify -pl calm-examples -am -Dmaven.javadoc.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='FuzzTest' -Dcalm.fuzz.cases="${1:-10000}" -Dcalm.fuzz.seed="${2:-1}" >/dev/null 2>&1 || status=$?
cat calm-examples/target/fuzz-report.txt 2>/dev/null || echo "no report: see calm-examples/target/surefire-reports"
exit "$status"
