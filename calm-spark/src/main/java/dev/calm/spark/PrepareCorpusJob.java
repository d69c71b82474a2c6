/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_block_start;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import dev.calm.core.CalmException;
import dev.calm.core.config.Checks;
import dev.calm.core.config.Json;
import dev.calm.core.data.CorpusFormat;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardIndex;
import dev.calm.core.data.shards.ShardInfo;
import dev.calm.core.data.shards.ShardOutput;
import dev.calm.core.data.shards.ShardedDatasetWriter;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.tokenizer.HfTokenizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * {@code calm prepare} on Spark: tokenises the documents of any Spark-readable source with the HF tokenizer on the
 * executors and writes the same sharded datasets ({@code <out>/train}, {@code <out>/validation}) as
 * {@link CorpusPreparer}, byte for byte, for the same documents, tokenizer, shard size, split and seed.
 *
 * <p>How it matches the single-process writer: documents are ordered as {@code CorpusReader} reads them (by file
 * path, then position in the file), split by the same text hash ({@link CorpusPreparer#isValidation}), and each
 * split's token stream is cut by the same shard rule ({@link ShardedDatasetWriter}): the driver gathers the token
 * count of every sorted partition, so every document's stream offset, hence its shard, is known on the
 * executors; one task then writes each shard with {@link ShardOutput}. Shards are written under a hidden temporary
 * name and renamed when whole; {@code index.json} is written last, by the driver.
 *
 * <p>Sources: JSON Lines and plain text are parsed exactly as {@code CorpusReader} parses them (a JSON line's
 * {@code text} field; a text file is one document, or one per form-feed page); Parquet, ORC and Spark's JSON reader
 * take the text from a named column.
 */
public final class PrepareCorpusJob {

    private static final Logger LOG = LoggerFactory.getLogger(PrepareCorpusJob.class);

    /** How the source is read. */
    public enum SourceFormat {
        /** JSON Lines (optionally .gz), each line's {@code text} field, as {@code calm prepare} reads it */
        JSONL,
        /** plain text (optionally .gz): a file is one document, or one per form-feed page */
        TXT,
        /** Parquet files, the text in a column */
        PARQUET,
        /** ORC files, the text in a column */
        ORC,
        /** Spark's JSON reader (any JSON layout it reads), the text in a column */
        JSON;

        /**
         * @param input a path or glob
         * @return the format its name suggests
         */
        public static SourceFormat of(String input) {
            String name = input.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
            if (name.endsWith(".parquet")) {
                return PARQUET;
            }
            if (name.endsWith(".orc")) {
                return ORC;
            }
            if (name.endsWith(".txt")) {
                return TXT;
            }
            return JSONL;
        }
    }

    /**
     * The preparation's settings, as {@code calm prepare} takes them.
     *
     * @param shardTokens the shard size setting, &gt; 0
     * @param validationFraction documents held out, in [0, 1)
     * @param seed the split's seed
     * @param textColumn the column holding the text, for Parquet, ORC and JSON sources
     */
    public record Options(long shardTokens, double validationFraction, long seed, String textColumn) {

        /**
         * Validates the settings.
         *
         * @param shardTokens &gt; 0
         * @param validationFraction in [0, 1)
         * @param seed any
         * @param textColumn not blank
         */
        public Options {
            Checks.check(shardTokens > 0, "shard tokens must be > 0, got " + shardTokens);
            Checks.check(validationFraction >= 0 && validationFraction < 1,
                    "validation fraction must be in [0, 1), got " + validationFraction);
            Checks.check(textColumn != null && !textColumn.isBlank(), "the text column is missing");
        }
    }

    /** Where a document is in the source: file, split of the file, row, page; sorts as CorpusReader reads. */
    record Position(String file, long block, long row, int page) implements Serializable, Comparable<Position> {
        private static final long serialVersionUID = 1L;
        private static final Comparator<Position> ORDER = Comparator.comparing(Position::file)
                .thenComparingLong(Position::block).thenComparingLong(Position::row).thenComparingInt(Position::page);

        @Override
        public int compareTo(Position o) {
            return ORDER.compare(this, o);
        }
    }

    /** A tokenised document: where it was, its side of the split (0 train, 1 validation), its ids. */
    record Encoded(Position position, int split, int[] ids) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** A document's place in the output: its split, its shard key (offset / shardTokens), its global order. */
    record Slot(int split, long shardKey, int partition, long index) implements Serializable, Comparable<Slot> {
        private static final long serialVersionUID = 1L;
        private static final Comparator<Slot> ORDER = Comparator.comparingInt(Slot::split)
                .thenComparingLong(Slot::shardKey).thenComparingInt(Slot::partition).thenComparingLong(Slot::index);

        @Override
        public int compareTo(Slot o) {
            return ORDER.compare(this, o);
        }

        long shard() {
            return shardKey * 2 + split;
        }
    }

    /** Natural order of slots, serializable for Spark. */
    private static final class SlotOrder implements Comparator<Slot>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Slot a, Slot b) {
            return a.compareTo(b);
        }
    }

    /** Sends each shard's documents to one partition, shards in output order. */
    private static final class ShardPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final HashMap<Long, Integer> partitionOf;

        ShardPartitioner(HashMap<Long, Integer> partitionOf) {
            this.partitionOf = partitionOf;
        }

        @Override
        public int numPartitions() {
            return partitionOf.size();
        }

        @Override
        public int getPartition(Object key) {
            return partitionOf.get(((Slot) key).shard());
        }
    }

    private PrepareCorpusJob() {}

    /**
     * Runs the job under spark-submit.
     *
     * @param args {@code INPUT FORMAT TOKENIZER_JSON OUT [SHARD_TOKENS [VALIDATION_FRACTION [SEED [TEXT_COLUMN]]]]},
     *     FORMAT one of jsonl, txt, parquet, orc, json; defaults 100000000, 0.05, 0, text (as calm prepare's)
     */
    public static void main(String[] args) {
        JobMain.run("PrepareCorpusJob", "INPUT jsonl|txt|parquet|orc|json TOKENIZER_JSON OUT [SHARD_TOKENS "
                + "[VALIDATION_FRACTION [SEED [TEXT_COLUMN]]]]", 4, args, (spark, a) -> {
                    Options options = new Options(a.length > 4 ? Long.parseLong(a[4]) : 100_000_000L,
                            a.length > 5 ? Double.parseDouble(a[5]) : 0.05, a.length > 6 ? Long.parseLong(a[6]) : 0,
                            a.length > 7 ? a[7] : "text");
                    Map<String, ShardIndex> indices = run(spark, a[0], SourceFormat.valueOf(JobMain.upper(a[1])),
                            java.nio.file.Path.of(a[2]), a[3], options);
                    indices.forEach((name, index) -> LOG.info("{}: {} documents, {} tokens in {} shards -> {}/{}",
                            name, index.documents(), index.tokens(), index.shards().size(), a[3], name));
                });
    }

    /**
     * Prepares a corpus.
     *
     * @param spark the session
     * @param input a path or glob; for JSON Lines and text, the files {@code calm prepare} reads ({@link SourceFiles}),
     *     for the other formats what Spark reads (directories recursively)
     * @param format how to read it
     * @param tokenizerJson the tokenizer's {@code tokenizer.json}, on the driver's file system
     * @param out the output directory (any Hadoop file system); it must hold no finished dataset
     * @param options the preparation's settings
     * @return each dataset's index, by split name ({@code train}, then {@code validation} if any)
     * @throws CalmException for an input with {@code **} (Hadoop's globs and {@code calm prepare}'s differ there),
     *     a source with no text column, a corpus with no documents, or an output that holds a dataset; nothing is
     *     written in these cases
     */
    public static Map<String, ShardIndex> run(SparkSession spark, String input, SourceFormat format,
            java.nio.file.Path tokenizerJson, String out, Options options) {
        if (input.contains("**")) {
            throw new CalmException("input " + input + ": '**' is not a Hadoop glob (Spark reads it as '*', within "
                    + "one directory), while calm prepare matches it across directories, so the two would read "
                    + "different files: pass the directory itself (read recursively by both) or one '*' per level");
        }
        byte[] json;
        try {
            json = Files.readAllBytes(tokenizerJson);
        } catch (IOException e) {
            throw new CalmException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        TokenizerIdentity identity;
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerJson)) {
            identity = TokenizerIdentity.of(tokenizerJson, tokenizer);
        }
        List<String> names = options.validationFraction() > 0
                ? List.of(CorpusPreparer.TRAIN, CorpusPreparer.VALIDATION) : List.of(CorpusPreparer.TRAIN);
        FileSystem fs = fileSystem(out, spark.sparkContext().hadoopConfiguration());
        for (String name : names) {
            try {
                if (fs.exists(new Path(new Path(out, name), ShardIndex.FILE))) {
                    throw new CalmException(out + "/" + name + " already holds a finished dataset; use another "
                            + "output directory or delete it");
                }
            } catch (IOException e) {
                throw new CalmException("cannot read " + out + ": " + e.getMessage(), e);
            }
        }

        double fraction = options.validationFraction();
        long seed = options.seed();
        // persisted: sortBy first samples its input to choose the range boundaries, which would otherwise run the
        // tokenizer over the whole corpus a second time
        JavaRDD<Encoded> encoded = documents(spark, input, format, options.textColumn()).map(d -> new Encoded(d._1(),
                CorpusPreparer.isValidation(d._2(), fraction, seed) ? 1 : 0, ExecutorTokenizer.get(json).encode(d._2())))
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Encoded> sorted = null;
        try {
            sorted = encoded.sortBy(Encoded::position, true, Math.max(1, encoded.getNumPartitions()))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            return write(sorted, identity, out, names, options, input);
        } catch (RuntimeException e) {
            throw calmCause(e);
        } finally {
            if (sorted != null) {
                sorted.unpersist(false);
            }
            encoded.unpersist(false);
        }
    }

    /**
     * @param e a failure, perhaps of a task on an executor (Spark wraps it)
     * @return the {@link CalmException} it carries (the one-line message the user can act on), else {@code e}
     */
    static RuntimeException calmCause(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CalmException c) {
                return c;
            }
        }
        return e;
    }

    /** The source's non-blank documents with their positions. */
    private static JavaRDD<Tuple2<Position, String>> documents(SparkSession spark, String input, SourceFormat format,
            String textColumn) {
        Dataset<Row> rows;
        switch (format) {
            case JSONL -> rows = spark.read().text(SourceFiles.list(spark.sparkContext().hadoopConfiguration(), input,
                    CorpusFormat.JSON_LINES));
            case TXT -> rows = spark.read().option("wholetext", "true").text(SourceFiles.list(
                    spark.sparkContext().hadoopConfiguration(), input, CorpusFormat.PLAIN_TEXT));
            default -> {
                Dataset<Row> table = spark.read().option("recursiveFileLookup", "true")
                        .format(format.name().toLowerCase(Locale.ROOT)).load(input);
                if (!Arrays.asList(table.columns()).contains(textColumn)) {
                    throw new CalmException("source " + input + " has no text column '" + textColumn + "' (its columns: "
                            + String.join(", ", table.columns()) + "); name it with --text-column");
                }
                if (!table.schema().apply(textColumn).dataType().equals(DataTypes.StringType)) {
                    throw new CalmException("column '" + textColumn + "' of " + input + " holds "
                            + table.schema().apply(textColumn).dataType().simpleString() + ", not strings");
                }
                rows = table.select(col(textColumn).as("value"));
            }
        }
        Dataset<Row> located = rows.select(input_file_name().as("file"), input_file_block_start().as("block"),
                monotonically_increasing_id().as("row"), col("value"));
        return located.javaRDD().flatMap(r -> {
            String file = r.getString(0);
            long block = r.getLong(1);
            long row = r.getLong(2);
            String value = r.isNullAt(3) ? "" : r.getString(3);
            List<Tuple2<Position, String>> docs = new ArrayList<>(1);
            switch (format) {
                case JSONL -> {
                    String line = value.startsWith("\uFEFF") ? value.substring(1) : value;
                    if (!line.isBlank()) {
                        docs.add(new Tuple2<>(new Position(file, block, row, 0),
                                CorpusReader.jsonLine(file + " (split at byte " + block + ", row " + row + ")",
                                        Long.toString(row), line).text()));
                    }
                }
                case TXT -> {
                    List<String> pages = CorpusReader.plainTextPages(value);
                    for (int p = 0; p < pages.size(); p++) {
                        docs.add(new Tuple2<>(new Position(file, block, row, p), pages.get(p)));
                    }
                }
                default -> docs.add(new Tuple2<>(new Position(file, block, row, 0), value));
            }
            docs.removeIf(d -> d._2().isBlank()); // as CorpusReader skips blank documents
            return docs.iterator();
        });
    }

    private static Map<String, ShardIndex> write(JavaRDD<Encoded> sorted, TokenizerIdentity identity, String out,
            List<String> names, Options options, String input) {
        // tokens and documents of each split in each sorted partition: [partition, train tokens, validation
        // tokens, train documents, validation documents]
        List<long[]> counts = sorted.mapPartitionsWithIndex((p, it) -> {
            long[] c = new long[5];
            c[0] = p;
            while (it.hasNext()) {
                Encoded e = it.next();
                c[1 + e.split()] += e.ids().length + 1L;
                c[3 + e.split()]++;
            }
            return List.of(c).iterator();
        }, true).collect();
        long[][] starts = new long[counts.size()][2];
        long[] offset = new long[2];
        long[] documents = new long[2];
        for (long[] c : counts.stream().sorted(Comparator.comparingLong(c -> c[0])).toList()) {
            int p = (int) c[0];
            starts[p] = offset.clone();
            offset[0] += c[1];
            offset[1] += c[2];
            documents[0] += c[3];
            documents[1] += c[4];
        }
        if (documents[0] + documents[1] == 0) {
            throw new CalmException("empty corpus " + input + ": no non-blank document");
        }
        if (documents[0] == 0) {
            throw new CalmException("no document of the corpus went to the training split");
        }
        long shardTokens = options.shardTokens();
        JavaPairRDD<Slot, int[]> slotted = JavaPairRDD.fromJavaRDD(sorted.mapPartitionsWithIndex((p, it) -> {
            long[] at = starts[p].clone();
            long index = 0;
            List<Tuple2<Slot, int[]>> slots = new ArrayList<>();
            while (it.hasNext()) {
                Encoded e = it.next();
                slots.add(new Tuple2<>(new Slot(e.split(), at[e.split()] / shardTokens, p, index++), e.ids()));
                at[e.split()] += e.ids().length + 1L;
            }
            return slots.iterator();
        }, true));
        // the shards in output order: split, then shard key; numbered densely within each split
        List<Slot> firsts = new ArrayList<>(slotted.keys().map(s -> new Slot(s.split(), s.shardKey(), 0, 0))
                .distinct().collect());
        firsts.sort(null);
        HashMap<Long, Integer> partitionOf = new HashMap<>();
        int[] ordinal = new int[firsts.size()];
        int[] perSplit = new int[2];
        for (int i = 0; i < firsts.size(); i++) {
            partitionOf.put(firsts.get(i).shard(), i);
            ordinal[i] = perSplit[firsts.get(i).split()]++;
        }
        String[] splitNames = names.toArray(new String[0]);
        String sha256 = identity.sha256(); // the record is not serializable: its fields travel
        int vocabSize = identity.vocabSize();
        int eosId = identity.eosId();
        List<Tuple2<Integer, String>> written = slotted
                .repartitionAndSortWithinPartitions(new ShardPartitioner(partitionOf), new SlotOrder())
                .mapPartitionsWithIndex((part, it) -> {
                    if (!it.hasNext()) {
                        return java.util.Collections.<Tuple2<Integer, String>>emptyIterator();
                    }
                    Tuple2<Slot, int[]> first = it.next();
                    int split = first._1().split();
                    ShardInfo info = writeShard(new Path(out, splitNames[split]), ShardInfo.fileName(ordinal[part]),
                            new TokenizerIdentity(sha256, vocabSize, eosId), first._2(), it);
                    return List.of(new Tuple2<>(split, Json.toJson(info))).iterator(); // as JSON: not Serializable
                }, true).collect();

        Map<String, ShardIndex> indices = new LinkedHashMap<>();
        FileSystem fs = fileSystem(out, sorted.context().hadoopConfiguration());
        for (int split = 0; split < names.size(); split++) {
            int s = split;
            List<ShardInfo> shards = written.stream().filter(t -> t._1() == s).map(t -> shardInfo(t._2()))
                    .sorted(Comparator.comparing(ShardInfo::file)).toList();
            if (shards.isEmpty()) {
                LOG.warn("no document fell into the {} split (fraction {}): no {} dataset", names.get(split),
                        options.validationFraction(), names.get(split));
                continue;
            }
            ShardIndex index = new ShardedDatasetWriter.Settings(identity, shardTokens, names.get(split),
                    options.validationFraction(), options.seed()).index(shards);
            Path dir = new Path(out, names.get(split));
            writeAtomically(fs, dir, ShardIndex.FILE, index.toJson().getBytes(StandardCharsets.UTF_8));
            indices.put(names.get(split), index);
        }
        return indices;
    }

    private static ShardInfo shardInfo(String json) {
        try {
            return Json.MAPPER.readValue(json, ShardInfo.class);
        } catch (IOException e) {
            throw new IllegalStateException("a shard's entry did not read back: " + json, e);
        }
    }

    /** Writes one shard under a temporary name and renames it into place once whole. */
    private static ShardInfo writeShard(Path dir, String name, TokenizerIdentity identity, int[] first,
            Iterator<Tuple2<Slot, int[]>> rest) throws IOException {
        FileSystem fs = fileSystem(dir.toString(), new Configuration());
        fs.mkdirs(dir);
        Path temp = new Path(dir, "." + name + ".tmp-" + TaskContext.get().taskAttemptId());
        ShardInfo info;
        try (OutputStream os = new BufferedOutputStream(fs.create(temp, true), 1 << 16)) {
            ShardOutput shard = new ShardOutput(name, os, identity);
            shard.add(first);
            while (rest.hasNext()) {
                shard.add(rest.next()._2());
            }
            info = shard.finish();
        }
        Path target = new Path(dir, name);
        fs.delete(target, false); // a retried task writes the same bytes again
        if (!fs.rename(temp, target)) {
            throw new IOException("cannot rename " + temp + " to " + target);
        }
        return info;
    }

    private static void writeAtomically(FileSystem fs, Path dir, String name, byte[] bytes) {
        Path temp = new Path(dir, "." + name + ".tmp-driver");
        Path target = new Path(dir, name);
        try {
            try (OutputStream os = fs.create(temp, true)) {
                os.write(bytes);
            }
            fs.delete(target, false);
            if (!fs.rename(temp, target)) {
                throw new IOException("rename failed");
            }
        } catch (IOException e) {
            throw new CalmException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The file system of a path, without the checksum side files the local one would write. */
    static FileSystem fileSystem(String path, Configuration conf) {
        try {
            FileSystem fs = new Path(path).getFileSystem(conf);
            fs.setWriteChecksum(false);
            return fs;
        } catch (IOException e) {
            throw new CalmException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
    }
}
