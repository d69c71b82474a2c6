/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.StepModel;
import dev.calm.training.CalmObjective;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's pipeline driven from code through the public stages, on a tiny generated corpus: corpus,
 * tokenizer, autoencoder, CALM, BrierLM and generation, each leaving its files in the run directory; a second
 * run reloads the finished stages instead of training them again.
 */
class PipelineTest {

    private static final long SEED = 7;
    private static final int K = 4;

    @Test
    void runsTheQuickstartStagesFromCode(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("tiny.jsonl");
        Files.write(data, TinyCorpus.sentences(SEED).texts().stream()
                .map(text -> Json.MAPPER.createObjectNode().put("text", text).toString()).toList());
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve(RunModels.AUTOENCODER));
        Files.createDirectories(run.resolve(RunModels.CALM));
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(printed);

        CorpusStage corpus = CorpusStage.prepare(data, dir, List.of(), 0.1, SEED, out);
        TokenizerStage tokens = TokenizerStage.prepare(run, corpus, 300, 32, K, out);
        try (Tokenizer tokenizer = tokens.tokenizer(); NDManager root = Backend.newManager(Device.cpu())) {
            AutoencoderConfig aeConfig = AutoencoderConfig.paper(tokenizer.vocabSize()).toBuilder().patchSize(K)
                    .hiddenSize(32).intermediateSize(64).latentSize(8).build();
            Autoencoder ae = AutoencoderStage.run(run.resolve(RunModels.AUTOENCODER), aeConfig, tokens,
                    new AutoencoderStage.Options(1, 3, 4, 1e-3, 64, new double[] {0}, 0, SEED, 100), root, out);
            assertEquals(aeConfig, AutoencoderStage.config(run.resolve(RunModels.AUTOENCODER)));

            LanguageModelStage.Contender contender = contender(aeConfig, ae, root);
            LanguageModelStage.Options options = new LanguageModelStage.Options(1, 2, 2, 1, SEED, 100);
            int[][] validation = LanguageModelStage.monitorBlocks(tokens.blocks().get("validation"));
            Path calmDir = run.resolve(RunModels.CALM);
            LanguageModelStage.Summary trained = LanguageModelStage.run(calmDir, contender,
                    tokens.blocks().get("train"), validation, options, out);
            assertEquals(2, trained.steps());
            assertEquals(contender.model().numParameters(), trained.parameters());
            JsonNode onDisk = Json.MAPPER.readTree(calmDir.resolve(LanguageModelStage.SUMMARY).toFile());
            assertTrue(onDisk.has("tokens_per_second") && onDisk.has("held_out_after"), "snake_case: " + onDisk);

            Map<String, StepModel> models = Map.of(RunModels.CALM, (Calm) contender.model());
            List<BrierStage.Row> brier = BrierStage.run(run.resolve("brier.json"), models,
                    Map.of("validation", SplitBlocks.of(tokens.blocks().get("validation"))), 64, SEED, out);
            assertEquals(1, brier.size());
            assertEquals(List.of(RunModels.CALM, "validation"), List.of(brier.get(0).model(), brier.get(0).corpus()));
            assertTrue(brier.get(0).positions() > 0 && Files.isRegularFile(run.resolve("brier.json")));
            Map<String, GenerationStage.Speed> speed = GenerationStage.run(run, models, tokenizer,
                    List.of("the cat"), 8, SEED, out);
            assertTrue(speed.get(RunModels.CALM).batch1() > 0, "generation speed measured");

            // the same stages again: the finished CALM stage reloads its weights and summary instead of training
            LanguageModelStage.Summary reloaded = LanguageModelStage.run(calmDir, contender(aeConfig,
                    AutoencoderStage.load(run.resolve(RunModels.AUTOENCODER), root), root),
                    tokens.blocks().get("train"), validation, options, out);
            assertEquals(trained, reloaded);
        }
        out.flush();
        assertTrue(printed.toString().contains("already trained: 2 steps"), printed.toString());
        for (String file : List.of("tokenizer.json", "autoencoder/model.safetensors", "autoencoder/config.json",
                "autoencoder/reconstruction.json", "autoencoder/" + AutoencoderStage.GEOMETRY, "calm/model.safetensors",
                "calm/config.json", "calm/metrics.jsonl", "brier.json", "generation.json")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), file);
        }
    }

    @Test
    void readsTheCamelCaseSummariesOfEarlierRuns(@TempDir Path dir) throws IOException {
        LanguageModelStage.Summary summary = new LanguageModelStage.Summary("calm", 10, 20, 3.5, 100, 1e9, 5.5,
                4.5, 0.25);
        Path snake = dir.resolve("snake.json");
        Json.write(snake, summary);
        assertEquals(summary, LanguageModelStage.Summary.read(snake));
        Path camel = Files.writeString(dir.resolve("camel.json"), "{\"name\": \"calm\", \"parameters\": 10, "
                + "\"steps\": 20, \"seconds\": 3.5, \"tokensPerSecond\": 100, \"trainFlops\": 1e9, "
                + "\"heldOutBefore\": 5.5, \"heldOutAfter\": 4.5, \"overheadSeconds\": 0.25}");
        assertEquals(summary, LanguageModelStage.Summary.read(camel));
        Path older = Files.writeString(dir.resolve("older.json"), Files.readString(camel)
                .replace(", \"overheadSeconds\": 0.25", "")); // before the overhead was recorded
        assertEquals(0, LanguageModelStage.Summary.read(older).overheadSeconds());
        assertFalse(Files.readString(snake).contains("tokensPerSecond"));
    }

    private static LanguageModelStage.Contender contender(AutoencoderConfig aeConfig, Autoencoder ae, NDManager root) {
        CalmConfig config = CalmConfig.tiny(aeConfig.vocabSize(), K, aeConfig.latentSize());
        Calm calm = new Calm(config, ae);
        calm.initialize(root, new Rng(SEED).fork("calm init"));
        return new LanguageModelStage.Contender(RunModels.CALM, "tiny CALM", calm, new CalmObjective(calm), 1e-3,
                Map.of(), config, calm);
    }
}
