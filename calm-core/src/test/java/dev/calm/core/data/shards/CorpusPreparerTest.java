/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.data.CorpusFiles;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.core.data.TinyCorpus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** calm prepare's pipeline: the split, the same shards on any number of threads, resume, and bad input. */
class CorpusPreparerTest {

    @TempDir
    static Path shared;
    private static HfTokenizer tokenizer;
    private static TokenizerIdentity identity;
    private static List<Document> documents;
    private static Path corpus;

    @BeforeAll
    static void corpus() throws IOException {
        TinyCorpus tiny = TinyCorpus.sentences(300, 11);
        documents = tiny.documents();
        Path file = shared.resolve("tokenizer.json");
        tokenizer = tiny.trainTokenizer(300, file);
        identity = TokenizerIdentity.of(file, tokenizer);
        corpus = shared.resolve("corpus");
        Files.createDirectories(corpus.resolve("b"));
        writeJsonl(corpus.resolve("a.jsonl"), documents.subList(0, 150));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(corpus.resolve("b/c.jsonl.gz")))) {
            out.write(jsonl(documents.subList(150, 300)).getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static String jsonl(List<Document> docs) {
        return ShardTestFiles.jsonl(docs);
    }

    private static void writeJsonl(Path file, List<Document> docs) throws IOException {
        Files.writeString(file, jsonl(docs));
    }

    private static CorpusPreparer.Options options(int threads, int batchChars) {
        return new CorpusPreparer.Options(600, 0.2, 3, threads, batchChars);
    }

    private static CorpusPreparer.Result prepare(Path out, CorpusPreparer.Options options) {
        return CorpusPreparer.prepare(CorpusFiles.of(corpus.toString()), tokenizer, identity, out, options,
                (b, d, t) -> { });
    }

    @Test
    void splitsByTextAndKeepsEveryDocumentInOrder(@TempDir Path out) {
        CorpusPreparer.Result r = prepare(out, options(2, 2000));
        assertEquals(List.of("train", "validation"), List.copyOf(r.datasets().keySet()));
        List<Document> read = CorpusReader.read(corpus);
        assertEquals(300, read.size());
        List<int[]> train = new ArrayList<>();
        List<int[]> validation = new ArrayList<>();
        for (Document d : read) {
            (CorpusPreparer.isValidation(d.text(), 0.2, 3) ? validation : train).add(tokenizer.encode(d.text()));
        }
        assertTrue(validation.size() > 30 && validation.size() < 90, "about 20% held out: " + validation.size());
        assertStream(out.resolve("train"), train);
        assertStream(out.resolve("validation"), validation);
        assertFalse(Files.exists(out.resolve(CorpusPreparer.STATE)), "the progress record is gone once done");
        assertTrue(r.datasets().get("train").shards().size() > 3, "several shards");
    }

    private static void assertStream(Path dir, List<int[]> docs) {
        ShardedDataset ds = ShardedDataset.open(dir);
        ds.requireTokenizer(identity, "the test's tokenizer");
        assertEquals(docs.size(), ds.numDocuments());
        int at = 0;
        for (int[] d : docs) {
            int[] got = new int[d.length + 1];
            ds.read(at, got, 0, got.length);
            int[] want = java.util.Arrays.copyOf(d, d.length + 1);
            assertArrayEquals(want, got);
            at += got.length;
        }
        assertEquals(at, ds.numTokens());
    }

    @Test
    void theShardsDoNotDependOnThreadsOrBatches(@TempDir Path out) throws IOException {
        prepare(out.resolve("one"), options(1, 1 << 20));
        prepare(out.resolve("three"), options(3, 500));
        for (String d : new String[] {"train", "validation"}) {
            ShardedDatasetTest.assertDirectoriesEqual(out.resolve("one").resolve(d), out.resolve("three").resolve(d));
        }
    }

    @Test
    void anInterruptedPreparationResumesToTheSameShards(@TempDir Path out) throws IOException {
        prepare(out.resolve("whole"), options(2, 800));
        Path cut = out.resolve("cut");
        AtomicInteger batches = new AtomicInteger();
        RuntimeException stop = new RuntimeException("killed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> CorpusPreparer.prepare(
                CorpusFiles.of(corpus.toString()), tokenizer, identity, cut, options(2, 800), (b, d, t) -> {
                    if (batches.incrementAndGet() == 12) {
                        throw stop;
                    }
                }));
        assertEquals(stop, thrown);
        assertTrue(Files.exists(cut.resolve(CorpusPreparer.STATE)));
        assertFalse(ShardIndex.exists(cut.resolve("train")), "an unfinished dataset has no index");
        CorpusPreparer.Result r = prepare(cut, options(1, 5000));
        assertTrue(r.resumed());
        assertTrue(r.skippedDocuments() > 0, "documents in finished shards are not encoded again");
        for (String d : new String[] {"train", "validation"}) {
            ShardedDatasetTest.assertDirectoriesEqual(out.resolve("whole").resolve(d), cut.resolve(d));
        }
        CorpusPreparer.Result again = prepare(cut, options(1, 5000));
        assertEquals(r.datasets(), again.datasets(), "a finished preparation is not redone");
        CalmException other = assertThrows(CalmException.class,
                () -> prepare(cut, new CorpusPreparer.Options(600, 0.2, 4, 1)));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
    }

    @Test
    void anUnfinishedPreparationWithOtherSettingsIsRefused(@TempDir Path out) {
        AtomicInteger batches = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> CorpusPreparer.prepare(CorpusFiles.of(corpus.toString()),
                tokenizer, identity, out, options(1, 800), (b, d, t) -> {
                    if (batches.incrementAndGet() == 12) {
                        throw new IllegalStateException("killed");
                    }
                }));
        CalmException e = assertThrows(CalmException.class,
                () -> prepare(out, new CorpusPreparer.Options(700, 0.2, 3, 1)));
        assertTrue(e.getMessage().contains("shard tokens 600 -> 700"), e.getMessage());
    }

    @Test
    void aCorpusWithoutDocumentsWritesNothing(@TempDir Path dir) throws IOException {
        Path blank = dir.resolve("blank.jsonl");
        Files.writeString(blank, "{\"text\": \"  \"}\n\n{\"text\": \"\"}\n");
        Path out = dir.resolve("out");
        CalmException e = assertThrows(CalmException.class, () -> CorpusPreparer.prepare(CorpusFiles.of(
                blank.toString()), tokenizer, identity, out, options(1, 800), (b, d, t) -> { }));
        assertTrue(e.getMessage().contains("empty corpus"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aGlobSelectsFilesInPathOrder(@TempDir Path dir) throws IOException {
        CorpusFiles all = CorpusFiles.of(corpus + "/**.jsonl*");
        assertEquals(List.of(corpus.resolve("a.jsonl"), corpus.resolve("b/c.jsonl.gz")), all.files());
        assertEquals(List.of(corpus.resolve("a.jsonl")), CorpusFiles.of(corpus + "/*.jsonl").files());
        assertThrows(CalmException.class, () -> CorpusFiles.of(corpus + "/*.parquet"));
        assertThrows(CalmException.class, () -> CorpusFiles.of(dir.resolve("missing.jsonl").toString()));
        Tokenizer unused = tokenizer;
        assertEquals(300, unused.vocabSize());
    }
}
