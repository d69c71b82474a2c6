#!/usr/bin/env bash
# The scale proof of sharded token datasets (a benchmark, not a test):
#   scripts/benchmarks/scale.sh [MB] [STEPS]          e.g. scripts/benchmarks/scale.sh 2048 200
# 1. generates a synthetic corpus of MB megabytes of JSON lines (ScaleBenchmark corpus; default 2048 = 2 GB);
# 2. learns a 4096-id BPE tokenizer from its first 20,000 documents;
# 3. `calm prepare` on all cores: tokens/s (the command prints it) and its peak RSS;
# 4. PrepareCorpusJob at local[2] on the same corpus: tokens/s, and that its shards equal calm prepare's (cmp);
# 5. ScaleBenchmark stream: shard read rate against the small preset's training consumption, and the resident
#    memory of STEPS training steps streaming from the dataset.
# 6. `calm train --model baseline --data prepared` (the CLI streaming from the prepared corpus, STEPS steps of the
#    default batch): its resident memory (VmRSS, and its anonymous and file-backed parts) sampled every 2 s, and
#    its peak.
# Compare figures within one run, not across days: the machine is shared.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mb="${1:-2048}"
steps="${2:-200}"
work="$root/target/benchmarks/scale-$mb"
cp="$root/calm-examples/target/calm-examples.jar:$root/calm-examples/target/lib/*"
bench="$root/scripts/benchmarks/ScaleBenchmark.java"
"$root/calm" info >/dev/null # builds the launcher's jar first, outside the timed parts
rm -rf "$work"
mkdir -p "$work"
java -cp "$cp" "$bench" corpus "$work/corpus" "$mb"
head -n 20000 "$work/corpus/part-000.jsonl" > "$work/sample.jsonl"
"$root/calm" tokenizer train --run-dir "$work/tok" --data "$work/sample.jsonl" --vocab 4096 >"$work/tokenizer.log" 2>&1

echo "== calm prepare ($(nproc) cores)"
/usr/bin/time -f "calm prepare: peak RSS %M kB, %e s wall" "$root/calm" prepare --data "$work/corpus" \
    --tokenizer "$work/tok/tokenizer.json" --out "$work/prepared" --shard-tokens 50000000

echo "== PrepareCorpusJob, local[2]"
(cd "$root" && ./mvnw -q -B -pl calm-spark -am package -DskipTests -Dmaven.javadoc.skip=true >/dev/null)
(cd "$root" && ./mvnw -q -B -o -pl calm-spark dependency:build-classpath -Dmdep.includeScope=provided \
    -Dmdep.outputFile="$work/spark.classpath" >/dev/null)
opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
start=$(date +%s.%N)
# shellcheck disable=SC2086
java -Xmx6g $opens -Dspark.master='local[2]' -Dspark.ui.enabled=false \
    -cp "$(ls "$root"/calm-spark/target/calm-spark-*-all.jar):$(cat "$work/spark.classpath")" \
    dev.calm.spark.PrepareCorpusJob "$work/corpus" jsonl "$work/tok/tokenizer.json" "$work/spark" 50000000 0.05 0 \
    >"$work/spark.log" 2>&1
end=$(date +%s.%N)
tokens=$(( $(grep -o '"tokens" : [0-9]*' "$work/spark/train/index.json" | head -1 | grep -o '[0-9]*$') \
    + $(grep -o '"tokens" : [0-9]*' "$work/spark/validation/index.json" | head -1 | grep -o '[0-9]*$') ))
awk -v a="$start" -v b="$end" -v t="$tokens" \
    'BEGIN { printf "PrepareCorpusJob local[2]: %d tokens in %.1f s = %.0f tokens/s\n", t, b - a, t / (b - a) }'
for split in train validation; do
  diff -r -q "$work/prepared/$split" "$work/spark/$split" && echo "$split: Spark's shards and index equal calm prepare's"
done

echo "== streaming"
java -cp "$cp" "$bench" stream "$work/prepared/train" "$steps"

echo "== calm train streaming from the prepared corpus"
mkdir -p "$work/run"
cp "$work/tok/tokenizer.json" "$work/run/"
/usr/bin/time -f "calm train: peak RSS %M kB, %e s wall" "$root/calm" train --model baseline --run-dir "$work/run" \
    --data "$work/prepared" --lm-steps "$steps" --threads 2 >"$work/train.log" 2>"$work/train.err" &
sleep 1
pid=$(pgrep -n -f -- "--run-dir $work/run" || true)
while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; do
  # the process may end between the test and the read: no sample then, and no exit under pipefail
  # VmRSS = RssAnon (heap, libtorch) + RssFile (the shard pages touched, clean page cache) + RssShmem
  { grep -E '^(VmRSS|RssAnon|RssFile):' "/proc/$pid/status" 2>/dev/null || true; } | tr -s ' \t\n' ' ' \
      | awk -v t="$SECONDS" 'NF { print t " s: VmRSS " $2 " kB, RssAnon " $5 " kB, RssFile " $8 " kB" }' \
      >>"$work/train-rss.log"
  sleep 2
done
wait
tail -n 1 "$work/train.err"
grep -E '^(\| .*memory-mapped|trained )' "$work/train.log" || true
# the samples in time order: the JVM and libtorch start, then training, which must not grow with the corpus
awk '{ rss[NR] = $4; anon[NR] = $7 } END { n = NR; for (q = 1; q <= 4; q++) { i = q < 4 ? int(q * n / 4) + 1 : n
    printf "calm train at %d/4 of %d samples: VmRSS %d kB, RssAnon %d kB\n", q, n, rss[i], anon[i] } }' "$work/train-rss.log"
