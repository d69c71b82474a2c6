#!/usr/bin/env bash
# How long the byte-level BPE takes to train: `calm tokenizer train` on a corpus, timed, RUNS times.
#   scripts/benchmarks/tokenizer.sh [DATA] [VOCAB] [RUNS]
# e.g. scripts/benchmarks/tokenizer.sh ../shared/data/brown.jsonl 4096 3
# Timing lives here, not in the unit tests (BrownTokenizerTest logs its time and asserts none): on a shared
# machine a bound in a test fails for reasons that are not bugs. Compare runs side by side, not across days.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/data/brown.jsonl}"
vocab="${2:-4096}"
runs="${3:-3}"
work="$root/target/benchmarks/tokenizer"
"$root/calm" info >/dev/null # builds the launcher's jar first, outside the timed runs
for i in $(seq 1 "$runs"); do
  rm -rf "$work"
  mkdir -p "$work"
  start=$(date +%s.%N)
  "$root/calm" tokenizer train --run-dir "$work" --data "$data" --vocab "$vocab" >"$work.log" 2>&1
  end=$(date +%s.%N)
  echo "run $i of $runs: tokenizer train --vocab $vocab on $(basename "$data"): $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
done
