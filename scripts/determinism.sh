#!/usr/bin/env bash
# The same command, the same seed, in separate processes: are the trajectories and the weights the same bytes?
#   scripts/determinism.sh RUNS DATA [calm train-ae options...]
# e.g. issue 15's check, eight runs of train-ae:
#   scripts/determinism.sh 8 ../shared/data/brown.jsonl --ae-steps 300 --eval-tokens 4096
# A tokenizer is trained once (tokenizer train --data DATA) and copied into RUNS fresh run directories under
# target/determinism/; each run is `calm train-ae --run-dir <dir> --data DATA <options>`, one after the other.
# Prints the number of distinct metrics trajectories (timing fields removed) and of distinct model.safetensors,
# each 1 when the runs are bit-identical, and exits 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="$1"
data="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
shift 2
work="$root/target/determinism"
rm -rf "$work"
mkdir -p "$work"
"$root/calm" tokenizer train --run-dir "$work/base" --data "$data" >"$work/tokenizer.log" 2>&1
for i in $(seq 1 "$runs"); do
  mkdir -p "$work/run$i"
  cp "$work/base/tokenizer.json" "$work/run$i/"
  "$root/calm" train-ae --run-dir "$work/run$i" --data "$data" "$@" >"$work/run$i.log" 2>&1
  echo "run $i of $runs done: $(grep -c . "$work/run$i/autoencoder/metrics.jsonl") metrics lines," \
    "$(grep -c 'not finite' "$work/run$i.log" || true) skipped steps"
done
trajectories="$(for i in $(seq 1 "$runs"); do
  sed -E 's/,"(tokens_per_s|elapsed_s)":[^,}]*//g' "$work/run$i/autoencoder/metrics.jsonl" | sha256sum
done | sort -u | wc -l)"
weights="$(for i in $(seq 1 "$runs"); do sha256sum <"$work/run$i/autoencoder/model.safetensors"; done | sort -u | wc -l)"
echo "$runs runs: $trajectories distinct metrics trajectories, $weights distinct model.safetensors"
[[ "$trajectories" == 1 && "$weights" == 1 ]]
