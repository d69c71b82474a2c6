#!/usr/bin/env bash
# Soak: the tiny CALM preset trains STEPS steps (checkpoints included), then generates TOKENS tokens with the KV
# cache; resident memory and live NDArrays are sampled every EVERY steps or tokens, and the slope of each over the
# run is printed as a share of its mean (flat within 5% when nothing leaks).
#   scripts/soak.sh [STEPS=10000] [TOKENS=10000] [EVERY=500]
# One intra-op thread and a fixed, pre-touched 512 MB Java heap by default (CALM_JAVA_OPTS replaces both): with the
# JVM's default heap, resident memory also grows while the heap grows toward its maximum, which is not a leak
# (docs/measured.md, "Soak"). Takes minutes: a benchmark, not a unit test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/calm" --version >/dev/null # builds the jar if a source changed
# shellcheck disable=SC2086
exec java ${CALM_JAVA_OPTS:--Dai.djl.pytorch.num_threads=1 -Xms512m -Xmx512m -XX:+AlwaysPreTouch} -cp "$root/calm-examples/target/calm-examples.jar" \
  dev.calm.examples.Soak "${1:-10000}" "${2:-10000}" "${3:-500}"
