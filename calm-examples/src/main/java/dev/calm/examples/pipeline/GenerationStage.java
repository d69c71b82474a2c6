/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenModel;
import dev.calm.sampling.Generation;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generations;
import dev.calm.sampling.Generator;
import dev.calm.training.TaskProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart's generation stage: each model continues the same prompts, as one batch, at temperature 1 and
 * 1/2 (the paper finds quality needs T &lt;= 1/2); then each model's speed is measured with the KV cache at
 * batch 1 and at batch {@value #BATCH}, on a fixed budget without stopping at end-of-text.
 */
public final class GenerationStage {

    /** The larger batch of the speed measurement. */
    public static final int BATCH = 16;
    /** The temperatures of the printed continuations. */
    private static final double[] TEMPERATURES = {1.0, 0.5};

    /**
     * One prompt's continuation by one model.
     *
     * @param model the contender's name
     * @param temperature the sampling temperature
     * @param prompt the prompt text
     * @param continuation the generated text, up to the first end-of-text
     */
    public record Sample(String model, double temperature, String prompt, String continuation) {}

    /**
     * A model's generation speed.
     *
     * @param model the contender's name
     * @param batch1 tokens per second at batch 1
     * @param batched tokens per second of {@value #BATCH} sequences together
     * @param fallbacks steps at T = 1/2 where exact temperature sampling fell back to the batch method
     * @param steps steps taken at T = 1/2
     */
    public record Speed(String model, double batch1, double batched, long fallbacks, int steps) {}

    private GenerationStage() {}

    /**
     * @param runDir where {@code generation.json} is written
     * @param models each contender, by name
     * @param tokenizer encodes prompts and decodes continuations
     * @param prompts the prompts
     * @param tokens tokens generated per prompt
     * @param seed seed of the samplers
     * @param out where the continuations are printed
     * @return each model's speed, by name
     */
    public static Map<String, Speed> run(Path runDir, Map<String, StepModel> models, Tokenizer tokenizer,
            List<String> prompts, int tokens, long seed, PrintWriter out) {
        List<Sample> samples = new ArrayList<>();
        Map<String, Speed> speeds = new LinkedHashMap<>();
        try (TaskProgress progress = TaskProgress.open("generation", (long) models.size() * (TEMPERATURES.length + 2),
                "runs")) {
            for (Map.Entry<String, StepModel> e : models.entrySet()) {
                speeds.put(e.getKey(), generate(e.getKey(), e.getValue(), tokenizer, prompts, tokens, seed, samples,
                        progress, out));
            }
        }
        Map<String, Object> results = new LinkedHashMap<>(); // Map.of's order changes from one JVM to the next
        results.put("samples", samples);
        results.put("speed", speeds.values());
        Json.write(runDir.resolve("generation.json"), results);
        return speeds;
    }

    /** One model: its continuations at each temperature, then its speed at batch 1 and batch {@value #BATCH}. */
    private static Speed generate(String name, StepModel model, Tokenizer tokenizer, List<String> prompts, int tokens,
            long seed, List<Sample> samples, TaskProgress progress, PrintWriter out) {
        Rng rng = new Rng(seed).fork("generate " + name);
        Generator generator = new Generator(model, tokenizer.eosId());
        Generations tempered = null;
        for (double t : TEMPERATURES) {
            tempered = generator.generate(tokenizer, prompts, GenerationConfig.of(tokens).withTemperature(t), rng);
            for (int i = 0; i < prompts.size(); i++) {
                String text = tempered.sequences().get(i).text(tokenizer);
                samples.add(new Sample(name, t, prompts.get(i), text));
                out.printf(Locale.ROOT, "%-8s T=%.1f | %s%s%n", name, t, prompts.get(i), text.replace('\n', ' '));
            }
            progress.stepBy(1);
        }
        double batch1 = Throughput.generation(generator, tokenizer, prompts.get(0), 1, tokens, rng);
        progress.stepBy(1);
        double batched = Throughput.generation(generator, tokenizer, prompts.get(0), BATCH, tokens, rng);
        progress.stepBy(1);
        Speed s = new Speed(name, batch1, batched, tempered.fallbacks(), tempered.steps());
        out.printf(Locale.ROOT, "%-8s | %,.0f tokens/s at batch 1, %,.0f at batch %d (KV cache, %d tokens per "
                + "sequence); T = 0.5 %s%n%n", name, s.batch1(), s.batched(), BATCH, tokens,
                model instanceof TokenModel ? "from the tempered softmax" : String.format(Locale.ROOT,
                        "from samples, exact in %d of %d steps (the rest fell back to the batch method)",
                        s.steps() * prompts.size() - s.fallbacks(), s.steps() * prompts.size()));
        out.flush();
        return s;
    }
}
