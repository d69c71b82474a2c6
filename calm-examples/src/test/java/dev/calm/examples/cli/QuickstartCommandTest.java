/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code calm quickstart} end to end on a small generated corpus, its resume, and its one-line errors. */
class QuickstartCommandTest {

    /** 40 documents of seeded pseudo-English, one JSON object per line. */
    private static Path corpus(Path dir) throws IOException {
        String[] words = {"the", "jury", "said", "county", "election", "was", "conducted", "report", "city", "of",
            "and", "in", "a", "that", "it", "for", "on", "with", "as", "by", "mayor", "court", "voters", "new"};
        SplittableRandom random = new SplittableRandom(42);
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 400; w++) {
                text.append(words[random.nextInt(words.length)]).append(w % 12 == 11 ? ". " : " ");
            }
            lines.add("{\"id\": \"doc" + d + "\", \"text\": \"" + text.toString().strip() + "\"}");
        }
        Path file = dir.resolve("corpus.jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void runsEveryStageThenResumes(@TempDir Path dir) throws IOException {
        Path data = corpus(dir);
        Path run = dir.resolve("run");
        String[] args = {"quickstart", "--data", data.toString(), "--run-dir", run.toString(), "--vocab", "300",
            "--ae-minutes", "5", "--ae-steps", "12", "--ae-batch", "2", "--eval-tokens", "512", "--lm-steps", "3",
            "--lm-batch", "2", "--prompt", "the jury said", "--gen-tokens", "8", "--device", "cpu"};
        CliRun first = CliRun.run(args);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("split (seed 0): 38 training and 2 validation documents"), first.out());
        assertTrue(first.out().matches("(?s).*\\| train \\| 38 \\| [0-9,]+ \\| [0-9,]+ \\| [0-9.]+ \\| [0-9,]+ \\|.*"),
                first.out());
        assertTrue(first.out().contains("models run on cpu/fp32"), first.out());
        assertTrue(first.out().contains("12 steps of 2 x 256 tokens"), first.out());
        assertTrue(first.out().contains("reconstruction on validation (held out):"), first.out());
        assertTrue(first.out().contains("| 0.30 | 512 |"), first.out());
        for (String artifact : List.of("tokenizer.json", "autoencoder/plan.json", "autoencoder/model.safetensors",
                "autoencoder/config.json", "autoencoder/metrics.jsonl", "autoencoder/reconstruction.json")) {
            assertTrue(Files.exists(run.resolve(artifact)), artifact);
        }
        // CALM and the baseline: trained for the same 3 steps, each with its curve, weights and summary
        for (String model : List.of("calm", "baseline")) {
            assertTrue(first.out().contains("training " + model + " for 3 steps on 2 x 256 tokens"), first.out());
            assertTrue(first.out().matches("(?s).*\\| " + model + " \\| [0-9,]+ \\| 3 \\| [0-9,]+ \\| [0-9.e+]+ \\| [0-9,]+ \\|.*"),
                    first.out());
            assertTrue(first.out().matches("(?s).*" + model + " +\\| the jury said.*"), "a continuation by " + model);
            for (String artifact : List.of("model.safetensors", "summary.json", "metrics.jsonl")) {
                assertTrue(Files.exists(run.resolve(model).resolve(artifact)), model + "/" + artifact);
            }
            assertTrue(Files.readAllLines(run.resolve(model).resolve("metrics.jsonl")).stream()
                    .anyMatch(line -> line.matches(".*\"step\": ?3,.*")), model + " logs its last step");
        }
        assertTrue(first.out().matches("(?s).*generation speed ratio CALM / baseline: [0-9.]+x.*"), first.out());
        assertTrue(Files.exists(run.resolve("generation.json")));

        CliRun second = CliRun.run(args);
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("tokenizer: reusing"), second.out());
        assertTrue(second.out().contains("autoencoder: resuming the plan"), second.out());
        assertTrue(second.out().contains("already trained: 12 steps"), second.out());
        assertEquals(3, second.out().split("already trained: 3 steps", -1).length, "CALM and the baseline reloaded");
    }

    @Test
    void missingDataIsAUsageError(@TempDir Path dir) {
        CliRun r = CliRun.run("quickstart", "--data", dir.resolve("nope.jsonl").toString(), "--run-dir",
                dir.resolve("run").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--data " + dir.resolve("nope.jsonl") + " does not exist"), r.err());
    }

    @Test
    void badLanguageModelOptionsAreUsageErrors(@TempDir Path dir) {
        for (String[] option : new String[][] {{"--calm-head-blocks", "0"}, {"--calm-lr", "0"}, {"--lm-batch", "0"}}) {
            CliRun r = CliRun.run("quickstart", "--run-dir", dir.resolve("run").toString(), option[0], option[1]);
            assertEquals(2, r.exit(), String.join(" ", option));
            assertTrue(r.err().contains("--calm-head-blocks >= 1, --calm-lr and --baseline-lr > 0"), r.err());
            assertFalse(Files.exists(dir.resolve("run")), "nothing is written before the options are checked");
        }
    }

    @Test
    void anEmptyCorpusIsOneLine(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
        CliRun r = CliRun.run("quickstart", "--data", empty.toString(), "--run-dir", dir.resolve("run").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("calm: ") && r.err().contains("empty.jsonl"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
