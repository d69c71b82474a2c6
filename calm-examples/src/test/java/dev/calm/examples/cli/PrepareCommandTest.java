/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.data.Document;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.tokenizer.HfTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code calm prepare}: a corpus directory with gzip into shards, run again, and its bad input. */
class PrepareCommandTest {

    @TempDir
    static Path shared;
    private static Path tokenizer;
    private static Path corpus;
    private static List<Document> documents;

    @BeforeAll
    static void corpus() throws IOException {
        TinyCorpus tiny = TinyCorpus.sentences(120, 5);
        documents = tiny.documents();
        tokenizer = shared.resolve("tokenizer.json");
        tiny.trainTokenizer(300, tokenizer).close();
        corpus = shared.resolve("corpus");
        Files.createDirectories(corpus);
        StringBuilder a = new StringBuilder();
        for (Document d : documents.subList(0, 60)) {
            a.append(Json.line(d.text()));
        }
        Files.writeString(corpus.resolve("a.jsonl"), a);
        StringBuilder b = new StringBuilder();
        for (Document d : documents.subList(60, 120)) {
            b.append(Json.line(d.text()));
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(corpus.resolve("b.jsonl.gz")))) {
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A JSON Lines line holding a text. */
    private static final class Json {
        static String line(String text) {
            return dev.calm.core.config.Json.toJson(java.util.Map.of("text", text)).replace("\n", " ") + "\n";
        }
    }

    @Test
    void preparesAGzipCorpusIntoShardsAndDoesNotRedoIt(@TempDir Path dir) {
        Path out = dir.resolve("prepared");
        CliRun r = CliRun.run("prepare", "--data", corpus + "/*.jsonl*", "--tokenizer", tokenizer.toString(),
                "--out", out.toString(), "--shard-tokens", "500", "--validation-fraction", "0.1", "--threads", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("preparing 2 corpus file(s)"), r.out());
        assertTrue(r.out().matches("(?s).*train: [0-9,]+ documents, [0-9,]+ tokens in [0-9]+ shard\\(s\\) of uint16.*"),
                r.out());
        ShardedDataset train = ShardedDataset.open(out.resolve(CorpusPreparer.TRAIN));
        ShardedDataset validation = ShardedDataset.open(out.resolve(CorpusPreparer.VALIDATION));
        assertEquals(120, train.numDocuments() + validation.numDocuments());
        assertTrue(train.index().shards().size() > 1, "several shards");
        try (HfTokenizer tok = HfTokenizer.load(tokenizer)) {
            train.requireTokenizer(TokenizerIdentity.of(tokenizer, tok), tokenizer.toString());
            // the first training document is the first corpus document not held out, then end-of-text
            Document first = documents.stream()
                    .filter(d -> !CorpusPreparer.isValidation(d.text(), 0.1, 0)).findFirst().orElseThrow();
            int[] want = tok.encode(first.text());
            int[] got = new int[want.length + 1];
            train.read(0, got, 0, got.length);
            assertArrayEquals(want, java.util.Arrays.copyOf(got, want.length));
            assertEquals(tok.eosId(), got[want.length]);
        }
        CliRun again = CliRun.run("prepare", "--data", corpus + "/*.jsonl*", "--tokenizer", tokenizer.toString(),
                "--out", out.toString(), "--shard-tokens", "500", "--validation-fraction", "0.1");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("resumed"), again.out());
        CliRun other = CliRun.run("prepare", "--data", corpus.toString(), "--tokenizer", tokenizer.toString(),
                "--out", out.toString(), "--shard-tokens", "700");
        assertEquals(1, other.exit());
        assertTrue(other.err().startsWith("calm: ") && other.err().contains("other settings"), other.err());
    }

    @Test
    void badInputIsOneLineAndWritesNothing(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        String tok = tokenizer.toString();
        assertUsage(CliRun.run("prepare", "--tokenizer", tok, "--out", out.toString()), "--data is required");
        assertUsage(CliRun.run("prepare", "--data", corpus.toString(), "--out", out.toString()),
                "--tokenizer is required");
        assertUsage(CliRun.run("prepare", "--data", corpus.toString(), "--tokenizer", tok, "--out", out.toString(),
                "--validation-fraction", "1"), "--validation-fraction must be in [0, 1)");
        assertUsage(CliRun.run("prepare", "--data", corpus.toString(), "--tokenizer", tok, "--out", out.toString(),
                "--shard-tokens", "0"), "--shard-tokens must be > 0");

        CliRun none = CliRun.run("prepare", "--data", corpus + "/*.parquet", "--tokenizer", tok, "--out",
                out.toString());
        assertEquals(1, none.exit());
        assertTrue(none.err().startsWith("calm: no corpus file matches"), none.err());

        Path blank = dir.resolve("blank.jsonl");
        Files.writeString(blank, "{\"text\": \" \"}\n");
        CliRun empty = CliRun.run("prepare", "--data", blank.toString(), "--tokenizer", tok, "--out", out.toString());
        assertEquals(1, empty.exit());
        assertTrue(empty.err().startsWith("calm: empty corpus"), empty.err());
        assertFalse(empty.err().contains("\tat "), "no stack trace");
        assertFalse(Files.exists(out), "nothing written for a corpus with no documents");
    }

    private static void assertUsage(CliRun r, String message) {
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("calm: " + message), r.err());
    }
}
