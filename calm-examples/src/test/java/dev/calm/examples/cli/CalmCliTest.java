/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.config.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract: usage, exit codes, one-line errors. */
class CalmCliTest {

    @Test
    void withoutArgumentsPrintsUsage() {
        CliRun r = CliRun.run();
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: calm"), r.out());
        assertTrue(r.out().contains("info") && r.out().contains("bench"), r.out());
    }

    @Test
    void infoReportsTheEngine() {
        CliRun r = CliRun.run("info");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("engine          PyTorch 2.7.1"), r.out());
        assertTrue(r.out().contains("default device  "), r.out());
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitCode2() {
        CliRun r = CliRun.run("bench", "--stpes", "3");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Unknown option") && r.err().contains("'--stpes'"), r.err());
    }

    @Test
    void userMistakeIsOneLineWithExitCode1() {
        CliRun r = CliRun.run("bench", "--device", "tpu");
        assertEquals(1, r.exit());
        assertEquals("calm: invalid device 'tpu': expected cpu, gpu, gpu:N or auto", r.err().strip());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void benchMeasuresCalmAndTheBaselineSideBySide(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("bench.json");
        CliRun r = CliRun.run("bench", "--preset", "tiny", "--vocab", "64", "--batch", "2", "--seq", "16", "--steps", "2",
                "--gen-tokens", "8", "--gen-batch", "3", "--device", "cpu", "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*engine: matmul [0-9]+ GFLOP/s at 1024\\^2 on [0-9]+ threads.*"), r.out());
        for (String model : new String[] {"baseline", "calm"}) {
            assertTrue(r.out().matches("(?s).*" + model + " +[0-9,]+ parameters \\| train +[0-9,]+ tokens/s, MFU [0-9]+%, "
                    + "[0-9,]+ calls/step \\| generate [0-9,]+ tokens/s \\([0-9]+ calls/step\\), [0-9,]+ at batch 3.*"), r.out());
        }
        assertTrue(r.out().matches("(?s).*autoencoder +[0-9,]+ parameters \\| train +[0-9,]+ tokens/s.* decode [0-9,]+ "
                + "tokens/s.*"), r.out());
        assertTrue(r.out().matches("(?s).*calm / baseline: training [0-9.]+x, generation [0-9.]+x.*"), r.out());
        assertTrue(r.out().contains("of the memory-bandwidth bound"), r.out());

        JsonNode figures = Json.MAPPER.readTree(json.toFile());
        List<String> positive = new ArrayList<>(List.of("/engine/matmul_gflops_1024", "/engine/copy_gb_per_s_1_thread",
                "/comparison/generate_speedup_batch1", "/comparison/generate_speedup_batch3",
                "/calm/decode_weight_bytes", "/calm/bandwidth_bound_fraction_batch1"));
        for (String model : new String[] {"baseline", "autoencoder", "calm"}) {
            for (String key : new String[] {"parameters", "train_tokens_per_s", "train_flops_per_token", "train_mfu",
                    "ops_per_training_step", "generate_tokens_per_s_batch1", "generate_tokens_per_s_batch3",
                    "ops_per_generation_step", "ops_per_generation_step_batch3"}) {
                positive.add("/" + model + "/" + key);
            }
        }
        for (String pointer : positive) {
            assertTrue(figures.at(pointer).isNumber() && figures.at(pointer).asDouble() > 0, pointer + ": " + figures);
        }
        assertEquals("tiny", figures.at("/run/preset").asText());
        // a generation step makes a fixed number of calls: whole numbers, CALM's more than the baseline's (its head
        // and decoder replace a softmax), the decoder's a part of CALM's
        double calmOps = figures.at("/calm/ops_per_generation_step").asDouble();
        assertEquals(Math.rint(calmOps), calmOps, figures.toString());
        assertTrue(calmOps > figures.at("/baseline/ops_per_generation_step").asDouble(), figures.toString());
        assertTrue(calmOps > figures.at("/autoencoder/ops_per_generation_step").asDouble(), figures.toString());
    }

    @Test
    void benchPeerWithoutTorchIsOneLine() {
        CliRun r = CliRun.run("bench", "--preset", "tiny", "--peer", "--python", "/nonexistent/python3");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().strip().startsWith("calm: /nonexistent/python3 cannot import torch"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.out().contains("preset"), "fails before measuring anything: " + r.out());
    }

    /** A training batch no machine holds is refused before anything is allocated, not killed by the kernel. */
    @Test
    void benchRefusesABatchThatCannotFitInMemory() {
        org.junit.jupiter.api.Assumptions.assumeTrue(MemoryBudget.supported(), "no /proc memory accounting");
        CliRun r = CliRun.run("bench", "--preset", "tiny", "--vocab", "64", "--batch", "2000000000", "--seq", "16",
                "--steps", "1", "--device", "cpu");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().strip().startsWith("calm: the engine's matmul at the training shape of --batch 2000000000 "
                + "x --seq 16 needs "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void benchRejectsASequenceThatIsNotAMultipleOfK() {
        CliRun r = CliRun.run("bench", "--preset", "tiny", "--seq", "10");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--seq a multiple of K 4"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
