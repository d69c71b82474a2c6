/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Generation;
import dev.calm.energy.Generator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart's generation stage: each model continues the same prompts at temperature 1, batch 1, with the
 * KV cache; the continuations are printed as text (up to the first end-of-text) with each model's speed.
 */
final class GenerationStage {

    /** Tokens generated once before timing, so that the first call's set-up is not counted. */
    private static final int WARMUP_TOKENS = 16;

    /**
     * One prompt's continuation by one model.
     *
     * @param model the contender's name
     * @param prompt the prompt text
     * @param continuation the generated text, up to the first end-of-text
     * @param tokens tokens generated
     * @param seconds wall time
     */
    record Sample(String model, String prompt, String continuation, int tokens, double seconds) {}

    private GenerationStage() {}

    /**
     * @param runDir where {@code generation.json} is written
     * @param generators each contender's generator, by name
     * @param tokenizer encodes prompts and decodes continuations
     * @param prompts the prompts
     * @param tokens tokens generated per prompt
     * @param seed seed of the samplers
     * @param out where the continuations are printed
     * @return generation speed in tokens per second, by model
     */
    static Map<String, Double> run(Path runDir, Map<String, Generator> generators, Tokenizer tokenizer,
            List<String> prompts, int tokens, long seed, PrintWriter out) {
        List<Sample> samples = new ArrayList<>();
        Map<String, Double> speed = new LinkedHashMap<>();
        for (Map.Entry<String, Generator> e : generators.entrySet()) {
            Rng rng = new Rng(seed).fork("generate " + e.getKey());
            Generator generator = e.getValue();
            generator.generate(new long[0], WARMUP_TOKENS, rng);
            int total = 0;
            double seconds = 0;
            for (String prompt : prompts) {
                Generation g = generator.generate(tokenizer, prompt, tokens, rng);
                String text = g.text(tokenizer);
                samples.add(new Sample(e.getKey(), prompt, text, g.tokens().length, g.seconds()));
                total += g.tokens().length;
                seconds += g.seconds();
                out.printf(Locale.ROOT, "%-8s | %s%s%n", e.getKey(), prompt, oneLine(text));
            }
            speed.put(e.getKey(), total / seconds);
            out.printf(Locale.ROOT, "%-8s | %,.0f tokens/s (batch 1, KV cache, %d tokens per prompt)%n%n", e.getKey(),
                    total / seconds, tokens);
            out.flush();
        }
        Json.write(runDir.resolve("generation.json"), samples);
        return speed;
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }
}
