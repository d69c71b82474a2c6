/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.config.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import javax.imageio.ImageIO;

/** {@code calm quickstart} end to end on a small generated corpus, its resume, and its one-line errors. */
class QuickstartCommandTest {

    /** 40 documents of seeded pseudo-English, one JSON object per line. */
    static Path corpus(Path dir) throws IOException {
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
            // the paper's columns: parameters, training FLOPs, inference FLOPs per token, BrierLM
            assertTrue(first.out().matches("(?s).*\\| " + model + " \\| [0-9,]+ \\| [0-9.e+]+ \\| [0-9.e+]+ \\| "
                    + "([0-9.e+-]+ ± [0-9.e+-]+|undefined) \\|.*"), first.out());
            for (String t : List.of("1.0", "0.5")) {
                assertTrue(first.out().matches("(?s).*" + model + " +T=" + t + " \\| the jury said.*"),
                        "a continuation by " + model + " at T = " + t);
            }
            String number = "-?[0-9.]+(e[-+][0-9]+)?";
            String estimate = number + " ± " + number;
            assertTrue(first.out().matches("(?s).*\\| " + model + " \\| validation \\| [0-9,]+ \\| (" + estimate
                    + " \\| ){4}(" + estimate + "|undefined) \\|.*"), "BrierLM of " + model + "\n" + first.out());
            for (String artifact : List.of("model.safetensors", "summary.json", "metrics.jsonl")) {
                assertTrue(Files.exists(run.resolve(model).resolve(artifact)), model + "/" + artifact);
            }
            assertTrue(Files.readAllLines(run.resolve(model).resolve("metrics.jsonl")).stream()
                    .anyMatch(line -> line.matches(".*\"step\": ?3,.*")), model + " logs its last step");
        }
        assertTrue(first.out().matches("(?s).*CALM / baseline: generation [0-9.]+x at batch 1 and [0-9.]+x at batch "
                + "16, training throughput [0-9.]+x, inference FLOPs per token [0-9.]+x.*"), first.out());
        assertReport(run);
        assertTrue(Files.exists(run.resolve("generation.json")));
        assertTrue(Files.exists(run.resolve("brier.json")));
        assertTrue(Files.readString(run.resolve("quickstart.config.json")).contains("\"lm-steps\" : 3"), "the run's record");
        for (String model : List.of("calm", "baseline")) {
            assertTrue(Files.exists(run.resolve(model).resolve("config.json")), model + "/config.json");
        }

        // the trained models serve `generate` and `eval`
        CliRun generate = CliRun.run("generate", "--run-dir", run.toString(), "--model", "baseline", "-p", "the jury",
                "-p", "a city", "-n", "6", "-t", "0.5");
        assertEquals(0, generate.exit(), generate.err());
        assertTrue(generate.out().startsWith("the jury") && generate.out().contains("\na city"), generate.out());
        assertTrue(generate.out().contains("(baseline, T = 0.5, "), generate.out());
        CliRun calm = CliRun.run("generate", "--run-dir", run.toString(), "-p", "the jury", "-n", "8", "-t", "0.5",
                "--method", "BATCH", "--candidates", "20");
        assertEquals(0, calm.exit(), calm.err());
        assertTrue(calm.out().contains("(calm, T = 0.5, "), calm.out());
        CliRun eval = CliRun.run("eval", "--run-dir", run.toString(), "--data", data.toString(), "--tokens", "512",
                "--model", "calm,baseline,calm-ancestral");
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(eval.out().contains("| calm | validation | ") && eval.out().contains("| baseline | validation | ")
                && eval.out().contains("| calm-ancestral | validation | "), eval.out());
        assertTrue(Files.exists(run.resolve("brier-eval.json")));

        CliRun second = CliRun.run(args);
        assertEquals(0, second.exit(), second.err());
        assertTrue(second.out().contains("tokenizer: reusing"), second.out());
        assertTrue(second.out().contains("resuming the plan in " + run.resolve("autoencoder")), second.out());
        assertTrue(second.out().contains("already trained: 12 steps"), second.out());
        assertEquals(3, second.out().split("already trained: 3 steps", -1).length, "CALM and the baseline reloaded");
    }

    /** summary.json holds every figure under its stable key; report.md shows them; the plots are PNG images. */
    private static void assertReport(Path run) throws IOException {
        JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        for (String key : List.of("/autoencoder/token_accuracy", "/autoencoder/token_accuracy_noise",
                "/calm/brier1", "/calm/brier2", "/calm/brier3", "/calm/brier4", "/calm/generate_tokens_per_s",
                "/baseline/generate_tokens_per_s", "/calm/inference_flops_per_token", "/calm/train_flops",
                "/baseline/brier1_se", "/calm/parameters", "/run/budget_minutes", "/corpus/train/tokens",
                "/comparison/generate_speedup")) {
            assertTrue(summary.at(key).isNumber(), key + " in " + summary);
        }
        for (String model : List.of("calm", "baseline")) {
            JsonNode brierLM = summary.at("/" + model + "/brierlm");
            assertTrue(brierLM.isNull() || brierLM.isNumber(), model + " BrierLM is a number or null (undefined)");
            assertEquals(3, summary.at("/" + model + "/steps").asLong());
            for (int n = 1; n <= 4; n++) { // Brier-n = 2 accuracy - collision, up to the rounding of the means
                double accuracy = summary.at("/" + model + "/accuracy" + n).asDouble(Double.NaN);
                assertTrue(accuracy >= 0 && accuracy <= 1, model + " accuracy" + n + " " + accuracy);
                assertEquals(summary.at("/" + model + "/brier" + n).asDouble(),
                        2 * accuracy - summary.at("/" + model + "/collision" + n).asDouble(), 1e-12);
            }
        }
        assertEquals(summary.at("/calm/inference_flops_per_token").asDouble()
                / summary.at("/baseline/inference_flops_per_token").asDouble(),
                summary.at("/comparison/inference_flops_ratio").asDouble(), 1e-12);
        assertEquals(4, summary.get("samples").size(), "2 models x 2 temperatures x 1 prompt, in " + summary);
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.startsWith("# CALM quickstart report"), report);
        assertTrue(report.contains(String.format(Locale.ROOT, "%.2f%%", 100 * summary.at(
                "/autoencoder/token_accuracy").asDouble())), report);
        assertTrue(report.contains(String.format(Locale.ROOT, "| calm | %,d |",
                summary.at("/calm/parameters").asLong())), report);
        assertTrue(report.contains("![Training curves](training-curves.png)"), report);
        assertTrue(report.contains("| model | accuracy 1 | collision 1 |"), report);
        assertTrue(report.contains("- calm, T = 0.5: **the jury said**"), report);
        for (String png : List.of("training-curves.png", "brierlm-vs-flops.png")) {
            BufferedImage image = ImageIO.read(run.resolve(png).toFile());
            assertTrue(image != null && image.getWidth() >= 1000 && image.getHeight() >= 400, png);
        }
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

    @Test
    void generateAndEvalReportBadInputInOneLine(@TempDir Path dir) throws IOException {
        CliRun hot = CliRun.run("generate", "--run-dir", dir.toString(), "-p", "x", "-t", "1.5");
        assertEquals(2, hot.exit());
        assertTrue(hot.err().contains("--temperature must be in (0, 1], got 1.5"), hot.err());
        CliRun noRun = CliRun.run("generate", "--run-dir", dir.resolve("nothing").toString(), "-p", "x");
        assertEquals(1, noRun.exit());
        assertTrue(noRun.err().startsWith("calm: ") && noRun.err().contains("tokenizer.json does not exist"),
                noRun.err());
        assertFalse(noRun.err().contains("\tat "), "no stack trace");
        CliRun model = CliRun.run("eval", "--run-dir", dir.toString(), "--model", "gpt");
        assertEquals(2, model.exit());
        assertTrue(model.err().contains("--model takes calm, baseline, unigram, bigram and/or calm-ancestral, got [gpt]"), model.err());
    }
}
