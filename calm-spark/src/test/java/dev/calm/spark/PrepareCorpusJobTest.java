/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.data.CorpusFiles;
import dev.calm.core.data.Document;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardIndex;
import dev.calm.core.data.shards.ShardTestFiles;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark preparation writes calm prepare's shards byte for byte from the same files (a directory's and a glob's
 * as calm prepare chooses them), and refuses bad sources by name.
 */
class PrepareCorpusJobTest {

    @TempDir
    static Path shared;
    private static Path tokenizerJson;
    private static HfTokenizer tokenizer;
    private static TokenizerIdentity identity;
    private static List<Document> documents;
    private static SparkSession spark;

    @BeforeAll
    static void corpus() {
        TinyCorpus tiny = TinyCorpus.sentences(200, 9);
        documents = tiny.documents();
        tokenizerJson = shared.resolve("tokenizer.json");
        tokenizer = tiny.trainTokenizer(300, tokenizerJson);
        identity = TokenizerIdentity.of(tokenizerJson, tokenizer);
        spark = LocalSpark.get();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static CorpusPreparer.Options single() {
        return new CorpusPreparer.Options(700, 0.2, 4, 2);
    }

    private static PrepareCorpusJob.Options distributed() {
        return new PrepareCorpusJob.Options(700, 0.2, 4, "text");
    }

    @Test
    void jsonLinesGiveTheShardsOfCalmPrepareByteForByte(@TempDir Path dir) throws IOException {
        Path corpus = dir.resolve("corpus");
        Files.createDirectories(corpus.resolve("b"));
        Files.writeString(corpus.resolve("a.jsonl"), ShardTestFiles.jsonl(documents.subList(0, 120)));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(corpus.resolve("b/c.jsonl.gz")))) {
            out.write(ShardTestFiles.jsonl(documents.subList(120, 200)).getBytes(StandardCharsets.UTF_8));
        }
        // what calm prepare skips in a directory, and Spark's recursive lookup would read: another file name, a
        // hidden file and a hidden directory
        Files.writeString(corpus.resolve("README.md"), "# not JSON\n");
        Files.writeString(corpus.resolve("b/.d.jsonl"), ShardTestFiles.jsonl(documents.subList(0, 5)));
        Files.createDirectories(corpus.resolve(".cache"));
        Files.writeString(corpus.resolve(".cache/e.jsonl"), ShardTestFiles.jsonl(documents.subList(5, 10)));
        CorpusPreparer.prepare(CorpusFiles.of(corpus.toString()), tokenizer, identity, dir.resolve("local"), single(),
                (b, d, t) -> { });
        Map<String, ShardIndex> indices = PrepareCorpusJob.run(spark, corpus.toString(),
                PrepareCorpusJob.SourceFormat.JSONL, tokenizerJson, dir.resolve("spark").toString(), distributed());
        assertEquals(List.of("train", "validation"), List.copyOf(indices.keySet()));
        assertTrue(indices.get("train").shards().size() > 3, "several shards");
        assertEquals(200, indices.get("train").documents() + indices.get("validation").documents());
        for (String split : List.of("train", "validation")) {
            ShardTestFiles.assertDirectoriesEqual(dir.resolve("local").resolve(split),
                    dir.resolve("spark").resolve(split));
            ShardedDataset.open(dir.resolve("spark").resolve(split)).requireTokenizer(identity, "the tokenizer");
        }
    }

    @Test
    void plainTextPagesAndParquetColumnsAgreeWithCalmPrepare(@TempDir Path dir) throws IOException {
        Path texts = dir.resolve("texts");
        Files.createDirectories(texts);
        for (int f = 0; f < 4; f++) {
            StringBuilder pages = new StringBuilder();
            for (Document d : documents.subList(f * 30, f * 30 + 30)) {
                pages.append(d.text()).append('\f');
            }
            Files.writeString(texts.resolve("part-" + f + ".txt"), pages.toString());
        }
        CorpusPreparer.prepare(CorpusFiles.of(texts.toString()), tokenizer, identity, dir.resolve("local"), single(),
                (b, d, t) -> { });
        PrepareCorpusJob.run(spark, texts.toString(), PrepareCorpusJob.SourceFormat.TXT, tokenizerJson,
                dir.resolve("spark").toString(), distributed());
        ShardTestFiles.assertDirectoriesEqual(dir.resolve("local").resolve("train"),
                dir.resolve("spark").resolve("train"));

        // the same 120 documents as one Parquet file with a "body" column
        Path parquet = dir.resolve("table.parquet");
        spark.createDataset(documents.subList(0, 120).stream().map(Document::text).toList(), Encoders.STRING())
                .toDF("body").coalesce(1).write().parquet(parquet.toString());
        PrepareCorpusJob.run(spark, parquet.toString(), PrepareCorpusJob.SourceFormat.PARQUET, tokenizerJson,
                dir.resolve("parquet").toString(), new PrepareCorpusJob.Options(700, 0.2, 4, "body"));
        ShardTestFiles.assertDirectoriesEqual(dir.resolve("local").resolve("train"),
                dir.resolve("parquet").resolve("train"));

        CalmException missing = assertThrows(CalmException.class, () -> PrepareCorpusJob.run(spark,
                parquet.toString(), PrepareCorpusJob.SourceFormat.PARQUET, tokenizerJson,
                dir.resolve("missing").toString(), distributed()));
        assertTrue(missing.getMessage().contains("has no text column 'text'")
                && missing.getMessage().contains("body"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve("missing")), "nothing written");
    }

    @Test
    void aCorpusWithoutDocumentsIsNamedAndNothingIsWritten(@TempDir Path dir) throws IOException {
        Path blank = dir.resolve("blank");
        Files.createDirectories(blank);
        Files.writeString(blank.resolve("a.jsonl"), "{\"text\": \" \"}\n\n");
        CalmException e = assertThrows(CalmException.class, () -> PrepareCorpusJob.run(spark, blank.toString(),
                PrepareCorpusJob.SourceFormat.JSONL, tokenizerJson, dir.resolve("out").toString(), distributed()));
        assertTrue(e.getMessage().startsWith("empty corpus"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");

        Path none = Files.createDirectories(dir.resolve("none"));
        Files.writeString(none.resolve("notes.md"), "text, but not a corpus file name");
        e = assertThrows(CalmException.class, () -> PrepareCorpusJob.run(spark, none.toString(),
                PrepareCorpusJob.SourceFormat.JSONL, tokenizerJson, dir.resolve("out").toString(), distributed()));
        assertTrue(e.getMessage().startsWith("empty corpus " + none + ": no .jsonl"), e.getMessage());
        e = assertThrows(CalmException.class, () -> PrepareCorpusJob.run(spark, dir.resolve("absent").toString(),
                PrepareCorpusJob.SourceFormat.JSONL, tokenizerJson, dir.resolve("out").toString(), distributed()));
        assertTrue(e.getMessage().startsWith("corpus not found: "), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    @Test
    void theSameGlobReadsTheSameFilesInBoth(@TempDir Path dir) throws IOException {
        Path corpus = dir.resolve("corpus");
        Files.createDirectories(corpus.resolve("sub"));
        Files.writeString(corpus.resolve("a.jsonl"), ShardTestFiles.jsonl(documents.subList(0, 50)));
        Files.writeString(corpus.resolve("x.jsonl"), ShardTestFiles.jsonl(documents.subList(50, 90)));
        Files.writeString(corpus.resolve("sub/c.jsonl"), ShardTestFiles.jsonl(documents.subList(90, 200)));
        Files.writeString(corpus.resolve(".y.jsonl"), ShardTestFiles.jsonl(documents.subList(0, 5))); // hidden
        String glob = corpus + "/*.jsonl"; // one level in both: a.jsonl and x.jsonl, not sub/c.jsonl
        CorpusPreparer.prepare(CorpusFiles.of(glob), tokenizer, identity, dir.resolve("local"), single(),
                (b, d, t) -> { });
        Map<String, ShardIndex> indices = PrepareCorpusJob.run(spark, glob, PrepareCorpusJob.SourceFormat.JSONL,
                tokenizerJson, dir.resolve("spark").toString(), distributed());
        assertEquals(90, indices.get("train").documents() + indices.get("validation").documents());
        for (String split : List.of("train", "validation")) {
            ShardTestFiles.assertDirectoriesEqual(dir.resolve("local").resolve(split),
                    dir.resolve("spark").resolve(split));
        }
    }

    @Test
    void aGlobWhoseMeaningDiffersFromCalmPrepareIsRefused(@TempDir Path dir) {
        // calm prepare's '**' crosses directories (java.nio's glob), Hadoop's does not: the same string would read
        // other files, so the job refuses it before it reads anything
        CalmException e = assertThrows(CalmException.class, () -> PrepareCorpusJob.run(spark, dir + "/**.jsonl",
                PrepareCorpusJob.SourceFormat.JSONL, tokenizerJson, dir.resolve("out").toString(), distributed()));
        assertTrue(e.getMessage().contains("'**' is not a Hadoop glob"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }
}
