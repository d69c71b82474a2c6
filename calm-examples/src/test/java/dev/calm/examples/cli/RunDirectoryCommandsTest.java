/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.config.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run-directory commands ({@code tokenizer train}, {@code train-ae}, {@code train}, {@code eval}) composing
 * one run on the shared {@link TinyRun}, their {@code --config} files and the records of what they ran with.
 */
class RunDirectoryCommandsTest {

    private final TinyRun run = TinyRun.get();

    @Test
    void theStagesComposeInOneRunDirectory() {
        assertTrue(run.outputs().get("tokenizer train").out().contains("byte-level BPE, 300 ids"),
                run.outputs().get("tokenizer train").out());
        assertTrue(run.outputs().get("tokenizer train").out().contains("| train | 38 |"), "the statistics table");
        String ae = run.outputs().get("train-ae").out();
        assertTrue(ae.contains("2 steps of 1 x 256 tokens"), ae); // steps from the file, batch from the command line
        assertTrue(ae.contains("reconstruction on validation (held out):") && ae.contains("| 0.50 | 256 |"), ae);
        for (String model : List.of("baseline", "calm")) {
            assertTrue(run.outputs().get("train " + model).out().contains("training " + model + " for 1 steps"),
                    run.outputs().get("train " + model).out());
            for (String file : List.of("model.safetensors", "config.json", "summary.json")) {
                assertTrue(Files.exists(run.runDir().resolve(model).resolve(file)), model + "/" + file);
            }
        }
        for (String file : List.of("tokenizer.json", "autoencoder/model.safetensors", "autoencoder/config.json",
                "tokenizer-train.config.json", "train-ae.config.json", "train-calm.config.json",
                "train-baseline.config.json")) {
            assertTrue(Files.exists(run.runDir().resolve(file)), file);
        }
    }

    @Test
    void modelConfigsRecordTheirType() throws IOException {
        for (String model : List.of("calm", "baseline", "autoencoder")) {
            JsonNode config = Json.MAPPER.readTree(run.runDir().resolve(model).resolve("config.json").toFile());
            assertEquals(model, config.get("model_type").asText(), model);
        }
    }

    @Test
    void theRecordHoldsTheMergedOptionsTheArgsAndTheVersion() throws IOException {
        JsonNode record = Json.MAPPER.readTree(run.runDir().resolve("train-ae.config.json").toFile());
        assertEquals("calm train-ae", record.get("command").asText());
        assertTrue(record.get("version").asText().startsWith("calm "), record.toString());
        assertTrue(record.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), record.toString());
        assertEquals("--config", record.get("args").get(1).asText());
        JsonNode options = record.get("options");
        assertEquals(2, options.get("ae-steps").asInt(), "from the file");
        assertEquals(1, options.get("ae-batch").asInt(), "the command line wins over the file's 4");
        assertEquals(7.0, options.get("ae-minutes").asDouble(), "the built-in default");
        assertEquals(0.006, options.get("ae-lr").asDouble(), 0);
        assertEquals("[0.0,0.5]", options.get("sigmas").toString());
        assertEquals(run.corpus().toString(), options.get("data").asText());
        assertTrue(options.get("threads").isNull(), "an unset option is recorded as null");
        assertEquals(run.runDir().toString(), options.get("run-dir").asText());
    }

    @Test
    void aRecordIsAConfigFileThatRepeatsTheRun(@TempDir Path dir) throws IOException {
        // the options of `train baseline`, replayed: the model is complete, so it is reloaded, not trained again
        JsonNode options = Json.MAPPER.readTree(run.runDir().resolve("train-baseline.config.json").toFile())
                .get("options");
        Path config = Files.writeString(dir.resolve("replay.json"), options.toString());
        CliRun r = CliRun.run("train", "--config", config.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("already trained: 1 steps"), r.out());
    }

    @Test
    void evalScoresTheLanguageModelsAndTheAutoencoder() throws IOException {
        CliRun r = CliRun.run("eval", "--run-dir", run.runDir().toString(), "--data", run.corpus().toString(),
                "--model", "baseline", "--tokens", "256", "--eval-tokens", "256", "--sigmas", "0,0.3", "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| baseline | validation | "), r.out());
        assertTrue(r.out().contains("reconstruction on validation (held out):") && r.out().contains("| 0.30 | 256 |"),
                r.out());
        JsonNode reconstruction = Json.MAPPER.readTree(run.runDir().resolve("reconstruction-eval.json").toFile());
        assertEquals(2, reconstruction.get("validation").size(), "one row per sigma");
        assertTrue(Files.exists(run.runDir().resolve("eval.config.json")));

        CliRun onlyAe = CliRun.run("eval", "--run-dir", run.runDir().toString(), "--data", run.corpus().toString(),
                "--metrics", "reconstruction", "--eval-tokens", "256", "--sigmas", "0", "--device", "cpu");
        assertEquals(0, onlyAe.exit(), onlyAe.err());
        assertTrue(!onlyAe.out().contains("BrierLM") && onlyAe.out().contains("| 0.00 | 256 |"), onlyAe.out());
    }

    @Test
    void theFlowAndDiffusionHeadsAreRecordedAndReloadedByGenerate(@TempDir Path dir) throws IOException {
        Path copy = run.copy(dir.resolve("run"));
        for (String[] head : new String[][] {{"flow", "--calm-flow-steps", "3"}, {"diffusion", "--calm-diffusion-steps",
            "5"}}) {
            TinyRun.delete(copy.resolve("calm"));
            CliRun train = CliRun.run("train", "--model", "calm", "--data", run.corpus().toString(), "--run-dir",
                    copy.toString(), "--lm-steps", "1", "--lm-batch", "1", "--device", "cpu", "--calm-head", head[0],
                    head[1], head[2]);
            assertEquals(0, train.exit(), train.err());
            JsonNode config = Json.MAPPER.readTree(copy.resolve("calm/config.json").toFile());
            assertEquals(head[0], config.get("head_type").asText(), config.toString());
            JsonNode settings = config.get(head[0] + "_head");
            assertEquals(Integer.parseInt(head[2]), settings.get(head[0].equals("flow") ? "num_steps"
                    : "num_sampling_steps").asInt(), config.toString());
            CliRun generate = CliRun.run("generate", "--run-dir", copy.toString(), "--model", "calm", "--tokens", "8",
                    "-p", "the jury", "--device", "cpu");
            assertEquals(0, generate.exit(), generate.err());
            assertTrue(generate.out().startsWith("the jury") && generate.out().contains("(calm, T = "),
                    generate.out());
        }
    }

    @Test
    void evalReportsTheLatentGeometryTheHeadDiagnosticsAndTheChunkStatistics() throws IOException {
        CliRun r = CliRun.run("eval", "--run-dir", run.runDir().toString(), "--data", run.corpus().toString(),
                "--metrics", "geometry,head,chunks", "--tokens", "512", "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        JsonNode geometry = Json.MAPPER.readTree(run.runDir().resolve("latent-geometry-eval.json").toFile());
        assertTrue(geometry.get("randomPairDistance").asDouble() > 0 && geometry.get("posteriorStd").asDouble() > 0,
                geometry.toString());
        JsonNode head = Json.MAPPER.readTree(run.runDir().resolve("head-diagnostics-eval.json").toFile());
        int k = Json.MAPPER.readTree(run.runDir().resolve("calm/config.json").toFile()).get("patch_size").asInt();
        assertEquals((512 / 256) * (256 / k - 1), head.get("positions").asInt(), "two blocks, 256 / K - 1 "
                + "boundaries each");
        for (int n = 1; n <= k; n++) {
            double accuracy = head.get("head_accuracy_" + n).asDouble();
            double collision = head.get("head_collision_" + n).asDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1 && collision >= 0 && collision <= 1, head.toString());
        }
        assertEquals(2 * head.get("head_accuracy_1").asDouble() - head.get("head_collision_1").asDouble(),
                head.get("head_brier1").asDouble(), 1e-12);
        assertTrue(r.out().contains("first 1 token(s): accuracy ") && r.out().contains("collision / accuracy"),
                r.out());
        JsonNode chunks = Json.MAPPER.readTree(run.runDir().resolve("chunk-statistics-eval.json").toFile());
        assertEquals(k, chunks.get("k").asInt(), "K is the run's autoencoder's");
        double seen = chunks.get("seen_share").asDouble();
        double top = chunks.get("top_64_coverage").asDouble();
        assertTrue(top <= seen && seen <= 1 && chunks.get("held_out_chunks").asLong() > 0, chunks.toString());
        assertTrue(r.out().contains("context-free chunk sampler Brier-" + k), r.out());
    }

    @Test
    void theCommandLineWinsOverTheConfigFile(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("generate.json"), "{\"run-dir\": \"" + run.runDir()
                + "\", \"model\": \"baseline\", \"tokens\": 3, \"temperature\": 1.5, \"prompt\": [\"the jury\", "
                + "\"a city\"], \"no-stop\": true}");
        CliRun r = CliRun.run("generate", "--config", config.toString(), "-t", "0.5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("the jury") && r.out().contains("\na city"), r.out());
        assertTrue(r.out().contains("(baseline, T = 0.5, 6 tokens in 3 steps"), "--no-stop from the file: " + r.out());
        CliRun flag = CliRun.run("generate", "--config", config.toString(), "-t", "0.5", "--no-stop", "-p", "x");
        assertEquals(0, flag.exit(), flag.err());
        assertTrue(flag.out().startsWith("x") && flag.out().contains("3 tokens in 3 steps"),
                "the flag stays set, the prompts are replaced: " + flag.out());
    }

    @Test
    void everyCommandHasHelpAndTakesAConfigFile() {
        for (String[] command : new String[][] {{"quickstart"}, {"tokenizer", "train"}, {"train-ae"}, {"train"},
            {"generate"}, {"eval"}, {"bench"}, {"info"}}) {
            String[] args = new String[command.length + 1];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--help";
            CliRun r = CliRun.run(args);
            assertEquals(0, r.exit(), String.join(" ", command));
            assertTrue(r.out().startsWith("Usage: calm " + String.join(" ", command)) && r.out().contains("--config=FILE"),
                    r.out());
        }
        CliRun group = CliRun.run("tokenizer");
        assertEquals(0, group.exit());
        assertTrue(group.out().contains("train") && group.out().contains("Learn a byte-level BPE"), group.out());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void everyFileHasTheModeOfANewFileUnderTheUmask() throws IOException {
        Path probe = Files.createTempFile(run.runDir().getParent(), "probe", ".txt");
        Files.delete(probe);
        Files.createFile(probe); // 0666 less the umask, as every file the commands write
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(probe);
        Files.delete(probe);
        try (Stream<Path> files = Files.walk(run.runDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertEquals(expected, Files.getPosixFilePermissions(f), run.runDir().relativize(f).toString());
            }
        }
    }
}
