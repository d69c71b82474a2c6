/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.config.Checks;
import dev.calm.core.config.Json;
import dev.calm.core.data.CorpusFiles;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenises a corpus into sharded datasets ({@code calm prepare}): {@code out/train/} and, with a validation
 * fraction, {@code out/validation/}, each a directory of shards and its {@code index.json}.
 *
 * <p>Documents are read in corpus order ({@link CorpusFiles}), split between training and validation by a seeded
 * hash of their text ({@link #isValidation}: a document-level split that needs no ids and keeps exact duplicates
 * on one side), encoded in batches on a pool of threads, and written in order, so the shards do not depend on
 * the number of threads. Reading, encoding and writing overlap.
 *
 * <p>Resumable: each time a shard is finished, {@code out/prepare-state.json} records the finished shards of
 * each dataset and the corpus document its next shard starts at. Running again with the same settings skips the
 * documents that finished shards hold (they are read and hashed, not encoded) and writes the rest; any other
 * settings are refused. A finished preparation is not redone.
 */
public final class CorpusPreparer {

    /** The training dataset's directory and split name. */
    public static final String TRAIN = "train";
    /** The validation dataset's directory and split name. */
    public static final String VALIDATION = "validation";
    /** The preparation's progress record in the output directory, deleted when it is done. */
    public static final String STATE = "prepare-state.json";

    private static final Logger LOG = LoggerFactory.getLogger(CorpusPreparer.class);
    /** Characters of text per encoding batch, by default. */
    public static final int BATCH_CHARS = 4 << 20;
    /** Batches encoded ahead of the writer. */
    private static final int AHEAD = 2;

    /**
     * How a corpus is prepared.
     *
     * @param shardTokens the shard size setting (see {@link ShardedDatasetWriter}), &gt; 0
     * @param validationFraction the expected share of documents held out, in [0, 1)
     * @param seed the seed of the split
     * @param threads encoding threads, &gt;= 1
     * @param batchChars characters of text encoded per batch ({@link #BATCH_CHARS} by default); the output does not
     *     depend on it
     */
    public record Options(long shardTokens, double validationFraction, long seed, int threads, int batchChars) {

        /**
         * Validates the options.
         *
         * @param shardTokens &gt; 0
         * @param validationFraction in [0, 1)
         * @param seed any
         * @param threads &gt;= 1
         * @param batchChars &gt;= 1
         */
        public Options {
            Checks.check(shardTokens > 0, "shard tokens must be > 0, got " + shardTokens);
            Checks.check(validationFraction >= 0 && validationFraction < 1,
                    "validation fraction must be in [0, 1), got " + validationFraction);
            Checks.check(threads >= 1, "threads must be >= 1, got " + threads);
            Checks.check(batchChars >= 1, "batch characters must be >= 1, got " + batchChars);
        }

        /**
         * Options with the default batch size.
         *
         * @param shardTokens &gt; 0
         * @param validationFraction in [0, 1)
         * @param seed any
         * @param threads &gt;= 1
         */
        public Options(long shardTokens, double validationFraction, long seed, int threads) {
            this(shardTokens, validationFraction, seed, threads, BATCH_CHARS);
        }
    }

    /** Told of the work as it is done. */
    public interface Progress {
        /**
         * @param inputBytes corpus file bytes read since the last call
         * @param documents documents written since the last call
         * @param tokens token ids written since the last call
         */
        void advance(long inputBytes, long documents, long tokens);
    }

    /**
     * What a preparation produced.
     *
     * @param datasets each dataset's index, by split name ({@value #TRAIN}, then {@value #VALIDATION} if any)
     * @param resumed whether it continued an interrupted preparation (or found it finished)
     * @param skippedDocuments documents already in shards of an earlier run, not encoded again
     */
    public record Result(Map<String, ShardIndex> datasets, boolean resumed, long skippedDocuments) {}

    /**
     * The progress record.
     *
     * @param tokenizer the tokenizer the preparation writes with
     * @param shardTokens its shard size setting
     * @param validationFraction its split
     * @param seed the split's seed
     * @param corpus the corpus files, in order
     * @param datasets each dataset's finished shards and where its next shard starts
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record State(TokenizerIdentity tokenizer, long shardTokens, double validationFraction, long seed,
            List<String> corpus, Map<String, DatasetState> datasets) {}

    /**
     * @param nextDocument the corpus document (counted from 0 over the non-blank documents) at which the first
     *     document not in {@code shards} is
     * @param shards finished shards
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record DatasetState(long nextDocument, List<ShardInfo> shards) {}

    private CorpusPreparer() {}

    /**
     * The split rule: a document is held out when a hash of its text, seeded by {@code seed}, falls in the lowest
     * {@code fraction} of the hash's range. It depends on nothing but the text, so any process decides alike.
     *
     * @param text the document's text
     * @param fraction the share held out, in [0, 1)
     * @param seed the seed
     * @return whether the document goes to the validation dataset
     */
    public static boolean isValidation(String text, double fraction, long seed) {
        return fraction > 0 && new Rng(seed).fork(text).nextDouble() < fraction;
    }

    /**
     * Prepares (or finishes preparing) a corpus.
     *
     * @param corpus the corpus files
     * @param tokenizer the tokenizer, safe to call from several threads
     * @param identity the tokenizer's identity
     * @param out the output directory
     * @param options the settings
     * @param progress told of the work done
     * @return the datasets
     */
    public static Result prepare(CorpusFiles corpus, Tokenizer tokenizer, TokenizerIdentity identity, Path out,
            Options options, Progress progress) {
        List<String> names = options.validationFraction() > 0 ? List.of(TRAIN, VALIDATION) : List.of(TRAIN);
        State wanted = new State(identity, options.shardTokens(), options.validationFraction(), options.seed(),
                corpus.files().stream().map(Path::toString).toList(), Map.of());
        Map<String, ShardIndex> done = finished(out, names, wanted);
        if (done != null) {
            return new Result(done, true, 0);
        }
        State state = loadState(out, wanted, names);
        boolean resumed = state.datasets().values().stream().anyMatch(d -> !d.shards().isEmpty());
        Run run = new Run(out, state, names, identity, options, progress);
        ForkJoinPool pool = new ForkJoinPool(options.threads());
        Map<String, ShardIndex> indices;
        try {
            run.execute(corpus, tokenizer, pool);
            indices = run.finish();
        } finally {
            pool.shutdownNow();
            run.closeWriters(); // abandons a shard left open by a failure; finished ones stay
        }
        try {
            Files.deleteIfExists(out.resolve(STATE));
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", out.resolve(STATE), e.getMessage());
        }
        return new Result(indices, resumed, run.skipped);
    }

    /** The indices of a preparation that finished with the same settings, or null when it did not finish. */
    private static Map<String, ShardIndex> finished(Path out, List<String> names, State wanted) {
        Path trainDir = out.resolve(TRAIN);
        if (!ShardIndex.exists(trainDir) || Files.exists(out.resolve(STATE))) {
            return null;
        }
        Map<String, ShardIndex> indices = new LinkedHashMap<>();
        for (String name : names) {
            if (ShardIndex.exists(out.resolve(name))) {
                ShardIndex index = ShardIndex.read(out.resolve(name));
                if (!index.tokenizer().equals(wanted.tokenizer()) || index.shardTokens() != wanted.shardTokens()
                        || index.validationFraction() != wanted.validationFraction() || index.seed() != wanted.seed()) {
                    throw new CalmException(out + " holds a dataset prepared with other settings (tokenizer, shard "
                            + "tokens, validation fraction or seed): use another output directory");
                }
                indices.put(name, index);
            }
        }
        return indices;
    }

    private static State loadState(Path out, State wanted, List<String> names) {
        Path file = out.resolve(STATE);
        if (!Files.exists(file)) {
            Map<String, DatasetState> datasets = new LinkedHashMap<>();
            for (String name : names) {
                if (Files.exists(out.resolve(name))) {
                    throw new CalmException(out.resolve(name) + " exists but " + out + " has no " + STATE
                            + ": it was not prepared by calm prepare; use another output directory");
                }
                datasets.put(name, new DatasetState(0, List.of()));
            }
            return new State(wanted.tokenizer(), wanted.shardTokens(), wanted.validationFraction(), wanted.seed(),
                    wanted.corpus(), datasets);
        }
        State saved = Json.read(file, State.class);
        State comparable = new State(saved.tokenizer(), saved.shardTokens(), saved.validationFraction(), saved.seed(),
                saved.corpus(), Map.of());
        if (!comparable.equals(wanted)) {
            throw new CalmException(out + " holds an unfinished preparation with other settings (" + differences(saved,
                    wanted) + "): run it with the same ones to resume, or use another output directory");
        }
        return saved;
    }

    private static String differences(State a, State b) {
        List<String> out = new ArrayList<>();
        if (!a.tokenizer().equals(b.tokenizer())) {
            out.add("tokenizer " + a.tokenizer().shortHash() + " -> " + b.tokenizer().shortHash());
        }
        if (a.shardTokens() != b.shardTokens()) {
            out.add("shard tokens " + a.shardTokens() + " -> " + b.shardTokens());
        }
        if (a.validationFraction() != b.validationFraction()) {
            out.add("validation fraction " + a.validationFraction() + " -> " + b.validationFraction());
        }
        if (a.seed() != b.seed()) {
            out.add("seed " + a.seed() + " -> " + b.seed());
        }
        if (!a.corpus().equals(b.corpus())) {
            out.add("corpus files " + a.corpus().size() + " -> " + b.corpus().size() + " (or other names)");
        }
        return String.join(", ", out);
    }

    /** One document on its way through the pipeline. */
    private record Pending(long index, String dataset, String text) {}

    /** A batch of documents with their encodings. */
    private record Encoded(List<Pending> documents, int[][] ids) {}

    /** The state of one preparation run. */
    private static final class Run {

        private final Path out;
        private final List<String> names;
        private final TokenizerIdentity identity;
        private final Options options;
        private final Progress progress;
        private final Map<String, DatasetState> datasets;
        private final State state;
        private final Map<String, ShardedDatasetWriter> writers = new LinkedHashMap<>();
        private final Deque<Future<Encoded>> ahead = new ArrayDeque<>();
        private List<Pending> batch = new ArrayList<>();
        private long batchChars;
        private long documentIndex;
        private long writingIndex;
        private long skipped;
        private long bytes;

        Run(Path out, State state, List<String> names, TokenizerIdentity identity, Options options,
                Progress progress) {
            this.out = out;
            this.state = state;
            this.names = names;
            this.identity = identity;
            this.options = options;
            this.progress = progress;
            this.datasets = new LinkedHashMap<>(state.datasets());
        }

        void execute(CorpusFiles corpus, Tokenizer tokenizer, ForkJoinPool pool) {
            CorpusReader.forEach(corpus, document -> {
                long index = documentIndex++;
                String name = isValidation(document.text(), options.validationFraction(), options.seed())
                        ? VALIDATION : TRAIN;
                if (index < datasets.get(name).nextDocument()) {
                    skipped++;
                    return;
                }
                batch.add(new Pending(index, name, document.text()));
                batchChars += document.text().length();
                if (batchChars >= options.batchChars()) {
                    submit(tokenizer, pool);
                }
            }, n -> bytes += n);
            submit(tokenizer, pool);
            while (!ahead.isEmpty()) {
                write(join(ahead.poll()));
            }
        }

        private void submit(Tokenizer tokenizer, ForkJoinPool pool) {
            if (batch.isEmpty()) {
                return;
            }
            List<Pending> documents = batch;
            batch = new ArrayList<>();
            batchChars = 0;
            ahead.add(pool.submit(() -> new Encoded(documents, IntStream.range(0, documents.size()).parallel()
                    .mapToObj(i -> tokenizer.encode(documents.get(i).text())).toArray(int[][]::new))));
            while (ahead.size() > AHEAD) {
                write(join(ahead.poll()));
            }
        }

        private static Encoded join(Future<Encoded> future) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CalmException("interrupted while encoding the corpus", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new CalmException("encoding failed: " + e.getCause(), e.getCause());
            }
        }

        private void write(Encoded encoded) {
            long tokens = 0;
            for (int i = 0; i < encoded.ids().length; i++) {
                Pending document = encoded.documents().get(i);
                writingIndex = document.index();
                writer(document.dataset()).add(encoded.ids()[i]);
                tokens += encoded.ids()[i].length + 1L;
            }
            progress.advance(bytes, encoded.ids().length, tokens);
            bytes = 0;
        }

        private ShardedDatasetWriter writer(String name) {
            if (writers.isEmpty()) {
                saveState(); // before the first shard, so that an interrupted run is recognised and resumed
            }
            return writers.computeIfAbsent(name, n -> ShardedDatasetWriter.resume(out.resolve(n),
                    new ShardedDatasetWriter.Settings(identity, options.shardTokens(), n, options.validationFraction(),
                            options.seed()), datasets.get(n).shards(), shard -> recordShard(n)));
        }

        /** A shard of {@code name} is on disk; the document being written starts its next one. */
        private void recordShard(String name) {
            datasets.put(name, new DatasetState(writingIndex, writers.get(name).shards()));
            saveState();
        }

        private void saveState() {
            Json.write(out.resolve(STATE), new State(state.tokenizer(), state.shardTokens(),
                    state.validationFraction(), state.seed(), state.corpus(), datasets));
        }

        Map<String, ShardIndex> finish() {
            Map<String, ShardIndex> indices = new LinkedHashMap<>();
            for (String name : names) {
                ShardedDatasetWriter w = writers.get(name);
                if (w == null && datasets.get(name).shards().isEmpty()) {
                    if (name.equals(TRAIN)) {
                        throw new CalmException("no document of the corpus went to the training split");
                    }
                    LOG.warn("no document fell into the validation split (fraction {}): no validation dataset",
                            options.validationFraction());
                    continue;
                }
                indices.put(name, writer(name).finish());
            }
            return indices;
        }

        void closeWriters() {
            writers.values().forEach(ShardedDatasetWriter::close);
        }
    }
}
