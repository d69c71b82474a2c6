/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.config.Json;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardFormat;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.examples.pipeline.RunModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code calm train} and {@code calm train-ae} with {@code --data} a corpus prepared by {@code calm prepare}: they
 * stream its training dataset and hold out its validation dataset, resume exactly after kill -9, and refuse (exit 2,
 * one line, run directory untouched) a corpus prepared with another tokenizer, one without a validation split, an
 * unfinished preparation, and the options that need the corpus in memory. {@code calm eval} scores its validation
 * dataset streamed.
 */
class PreparedCorpusTrainingTest {

    @TempDir
    static Path shared;
    private static final TinyRun RUN = TinyRun.get();
    private static Path prepared;

    @BeforeAll
    static void prepare() {
        prepared = prepare(RUN.runDir().resolve(RunModels.TOKENIZER), "prepared", "0.2");
    }

    private static Path prepare(Path tokenizer, String name, String validationFraction) {
        Path out = shared.resolve(name);
        CliRun r = CliRun.run("prepare", "--data", RUN.corpus().toString(), "--tokenizer", tokenizer.toString(),
                "--out", out.toString(), "--shard-tokens", "3000", "--validation-fraction", validationFraction,
                "--threads", "2");
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    @Test
    void trainsBothStagesStreamingFromThePreparedCorpus(@TempDir Path dir) throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.copy(RUN.runDir().resolve(RunModels.TOKENIZER), runDir.resolve(RunModels.TOKENIZER));
        CliRun lm = CliRun.run("train", "--model", "baseline", "--data", prepared.toString(), "--run-dir",
                runDir.toString(), "--lm-steps", "2", "--lm-batch", "2", "--device", "cpu", "--threads", "1");
        assertEquals(0, lm.exit(), lm.err());
        assertTrue(lm.out().contains("prepared by calm prepare, streamed"), lm.out());
        assertTrue(lm.out().contains("shard(s), memory-mapped)"), lm.out());
        assertTrue(lm.out().contains("trained 2 steps"), lm.out());

        // the train directory itself and its index.json name the same corpus; train-ae holds out its validation
        Path aeRun = Files.createDirectories(dir.resolve("ae"));
        Files.copy(RUN.runDir().resolve(RunModels.TOKENIZER), aeRun.resolve(RunModels.TOKENIZER));
        CliRun ae = CliRun.run("train-ae", "--data", prepared.resolve("train").resolve("index.json").toString(),
                "--run-dir", aeRun.toString(), "--ae-steps", "2", "--ae-batch", "1", "--eval-tokens", "256",
                "--sigmas", "0", "--eval-data", RUN.corpus().toString(), "--device", "cpu", "--threads", "1");
        assertEquals(0, ae.exit(), ae.err());
        assertTrue(ae.out().contains("reconstruction on validation"), ae.out());
        assertTrue(ae.out().contains("reconstruction on " + RUN.corpus().getFileName()), ae.out());
        assertTrue(Files.exists(aeRun.resolve("autoencoder/model.safetensors")));
    }

    /**
     * A byte changed inside a shard's ids (its header and footer intact): the default check reads every byte and
     * refuses the shard by name; {@code --shard-check headers}, for corpora too large to read at every start, trusts
     * the checksums and trains.
     */
    @Test
    void aChangedShardIsRefusedUnlessOnlyHeadersAreChecked(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("prepared");
        for (String split : new String[] {"train", "validation"}) {
            Files.createDirectories(copy.resolve(split));
            try (var files = Files.list(prepared.resolve(split))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(split).resolve(f.getFileName()));
                }
            }
        }
        Path shard = copy.resolve("train").resolve("shard-00000.bin");
        byte[] bytes = Files.readAllBytes(shard);
        // the low byte of an early uint16 id: the id stays in the vocabulary, the header and footer stay valid
        bytes[ShardFormat.HEADER_BYTES + 2 * 100] ^= 1;
        Files.write(shard, bytes);
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.copy(RUN.runDir().resolve(RunModels.TOKENIZER), runDir.resolve(RunModels.TOKENIZER));
        String[] train = {"train", "--model", "baseline", "--data", copy.toString(), "--run-dir", runDir.toString(),
            "--lm-steps", "1", "--lm-batch", "1", "--device", "cpu", "--threads", "1"};
        CliRun refused = CliRun.run(train);
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.exit() != 0 && refused.err().contains("shard " + shard + " is corrupt: its CRC32C"),
                refused.err());
        assertFalse(Files.exists(runDir.resolve("baseline").resolve("checkpoints")), "nothing trained");

        CliRun trusted = CliRun.run(args(train, "--shard-check", "headers"));
        assertEquals(0, trusted.exit(), trusted.err());
        assertTrue(trusted.out().contains("trained 1 steps"), trusted.out());
        CliRun bad = CliRun.run(args(train, "--shard-check", "none"));
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("--shard-check takes checksums or headers, got 'none'"), bad.err());
    }

    /**
     * {@code calm eval} scores the preparation's validation dataset streamed from disk, counts the reference
     * samplers on its training dataset, and finds the same Brier-1 there as on the same documents given as text:
     * the held-out documents that calm prepare's split rule picks, written to a file and passed as --eval-data.
     */
    @Test
    void evaluatesTheValidationDatasetAsTheSameDocumentsInMemory(@TempDir Path dir) throws IOException {
        Path runDir = RUN.copy(dir.resolve("run"));
        List<String> heldOut = new ArrayList<>(); // JSON lines, in corpus order as calm prepare writes them
        for (Document d : CorpusReader.read(RUN.corpus())) {
            if (CorpusPreparer.isValidation(d.text(), 0.2, 0)) {
                heldOut.add(Json.toJson(Map.of("text", d.text())).replace("\n", " "));
            }
        }
        assertTrue(heldOut.size() >= 2, "held-out documents: " + heldOut.size());
        Path text = dir.resolve("held-out.jsonl");
        Files.write(text, heldOut);
        CliRun r = CliRun.run("eval", "--run-dir", runDir.toString(), "--data", prepared.toString(), "--eval-data",
                text.toString(), "--metrics", "brierlm", "--model", "baseline,unigram", "--tokens", "512",
                "--device", "cpu", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("prepared by calm prepare, streamed"), r.out());
        JsonNode rows = Json.MAPPER.readTree(runDir.resolve("brier-eval.json").toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        rows.forEach(row -> byName.put(row.get("model").asText() + " " + row.get("corpus").asText(), row));
        for (String model : new String[] {"baseline", "unigram"}) {
            JsonNode streamed = byName.get(model + " validation");
            JsonNode inMemory = byName.get(model + " held-out.jsonl");
            assertTrue(streamed.get("positions").asLong() > 0, streamed.toString());
            assertEquals(inMemory.get("positions").asLong(), streamed.get("positions").asLong(), model);
            assertEquals(inMemory.get("brier").get(0).asDouble(), streamed.get("brier").get(0).asDouble(), 1e-12,
                    model + ": Brier-1 is exact for a token model, so the same tokens give the same figure");
        }
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void killedAndResumedTheStreamingRunEndsBitIdentical(@TempDir Path dir) throws Exception {
        ChaosHarness harness = new ChaosHarness(dir, prepared, RUN.runDir());
        SplittableRandom random = new SplittableRandom(19);
        // one case keeps the suite fast: train-ae and CALM read batches through the same StreamingBlocks
        ChaosHarness.Case c = harness.run(ChaosHarness.Scenario.TRAIN_BASELINE, ChaosHarness.KillPoint.DURING_CHECKPOINT,
                random, "baseline");
        assertTrue(c.identical(), c.toString());
        assertTrue(c.kills() > 0, "killed: " + c);
    }

    @Test
    void refusesACorpusPreparedWithAnotherTokenizer(@TempDir Path dir) throws IOException {
        Path other = Files.createDirectories(dir.resolve("other"));
        CliRun tok = CliRun.run("tokenizer", "train", "--data", RUN.corpus().toString(), "--run-dir", other.toString(),
                "--vocab", "280");
        assertEquals(0, tok.exit(), tok.err());
        Path foreign = prepare(other.resolve(RunModels.TOKENIZER), "foreign-" + dir.getFileName(), "0.2");
        Path runDir = RUN.copy(dir.resolve("run"));
        String theirs = TokenizerIdentity.sha256(other.resolve(RunModels.TOKENIZER)).substring(0, 12);
        String ours = TokenizerIdentity.sha256(runDir.resolve(RunModels.TOKENIZER)).substring(0, 12);
        for (String[] command : new String[][] {{"train", "--model", "calm"}, {"train-ae"}}) {
            CliRun r = TinyRun.failsCleanly(runDir, 2, "was prepared with another tokenizer",
                    args(command, "--data", foreign.toString(), "--run-dir", runDir.toString(), "--device", "cpu"));
            assertTrue(r.err().contains(theirs) && r.err().contains(ours), "names both hashes: " + r.err());
        }
    }

    @Test
    void refusesWhatStreamingCannotServe(@TempDir Path dir) throws IOException {
        Path runDir = RUN.copy(dir.resolve("run"));
        Path noValidation = prepare(runDir.resolve(RunModels.TOKENIZER), "whole-" + dir.getFileName(), "0");
        TinyRun.failsCleanly(runDir, 2, "has no validation dataset", "train", "--model", "baseline", "--data",
                noValidation.toString(), "--run-dir", runDir.toString(), "--device", "cpu");

        Path unfinished = Files.createDirectories(dir.resolve("unfinished"));
        Files.writeString(unfinished.resolve("prepare-state.json"), "{}");
        TinyRun.failsCleanly(runDir, 2, "the preparation did not finish", "train-ae", "--data", unfinished.toString(),
                "--run-dir", runDir.toString(), "--device", "cpu");

        TinyRun.failsCleanly(runDir, 2, "--calm-anchors counts chunks", "train", "--model", "calm", "--calm-head",
                "mixture", "--calm-anchors", "2", "--data", prepared.toString(), "--run-dir", runDir.toString(),
                "--device", "cpu");

        TinyRun.failsCleanly(runDir, 2, "--metrics chunks counts every chunk", "eval", "--metrics", "chunks",
                "--data", prepared.toString(), "--run-dir", runDir.toString(), "--device", "cpu");
        TinyRun.failsCleanly(runDir, 2, "the preparation did not finish", "eval", "--data", unfinished.toString(),
                "--run-dir", runDir.toString(), "--device", "cpu");

        // the commands that read text say so instead of reading shards as text
        CliRun tok = CliRun.run("tokenizer", "train", "--data", prepared.toString(), "--run-dir",
                dir.resolve("tok").toString());
        assertEquals(2, tok.exit(), tok.err());
        assertTrue(tok.err().contains("is a corpus prepared by calm prepare"), tok.err());
        assertFalse(Files.exists(dir.resolve("tok").resolve(RunModels.TOKENIZER)));
    }

    private static String[] args(String[] command, String... rest) {
        String[] all = new String[command.length + rest.length];
        System.arraycopy(command, 0, all, 0, command.length);
        System.arraycopy(rest, 0, all, command.length, rest.length);
        return all;
    }
}
