/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.StepModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Autoregressive generation for any {@link StepModel} (CALM: K tokens per step; the token baseline: one) with a
 * KV cache, a batch of prompts, a token budget, end-of-text, and temperature (paper, section 5).
 *
 * <p>Each prompt is left-padded with end-of-text to whole steps (an empty prompt is one step of end-of-text, a
 * document start), as the model saw documents in training. Shorter prompts of a batch are then aligned by whole
 * steps of padding that the attention mask hides, so a prompt continues exactly as it would alone. The prompts
 * run once; each step feeds back only the tokens just sampled. Each step's tensors live in their own manager, so
 * memory stays flat however long the text.
 *
 * <pre>{@code
 * Generations out = new Generator(calm, tokenizer.eosId())
 *         .generate(tokenizer, List.of("The jury said", "It was"), GenerationConfig.of(48).withTemperature(0.5), rng);
 * }</pre>
 */
public final class Generator {

    private final StepModel model;
    private final long eosId;
    private final int k;
    private Integer threads; // null: 1 for a single sequence, the engine's setting for a batch

    /**
     * @param model the model to continue prompts with: a {@link dev.calm.energy.Calm} (K tokens per step) or a
     *     {@link dev.calm.energy.TokenModel} (one token per step, tempered exactly through its softmax); the KV cache
     *     and each step's tensors are allocated under its {@link StepModel#manager()}
     * @param eosId the end-of-text id: padding, document start, and the token that ends a sequence
     */
    public Generator(StepModel model, long eosId) {
        this.model = model;
        this.eosId = eosId;
        this.k = model.tokensPerStep();
    }

    /**
     * Sets the engine's intra-op threads while {@link #generate} runs (the previous count is restored after).
     * By default a single sequence runs on 1 thread and a batch on the engine's setting: a batch-1 step is a
     * chain of small operations that do not pay for splitting across cores, a batch of 16 is not (measured in
     * docs/measured.md, "Generation threads"). 0 leaves the engine's setting alone.
     *
     * @param threads intra-op threads during generation, or 0
     * @return this generator
     */
    public Generator threads(int threads) {
        if (threads < 0) {
            throw new CalmException("generation threads must be >= 0, got " + threads);
        }
        this.threads = threads;
        return this;
    }

    /**
     * Continues texts.
     *
     * @param tokenizer encodes the prompts
     * @param prompts the texts to continue
     * @param config budget, temperature and end-of-text handling
     * @param rng the source of randomness
     * @return one generation per prompt; {@link Generation#text} decodes it
     */
    public Generations generate(Tokenizer tokenizer, List<String> prompts, GenerationConfig config, Rng rng) {
        List<long[]> ids = new ArrayList<>();
        for (String p : prompts) {
            ids.add(Arrays.stream(tokenizer.encode(p)).asLongStream().toArray());
        }
        return generate(ids, config, rng);
    }

    /**
     * Continues one prompt.
     *
     * @param prompt token ids
     * @param config budget, temperature and end-of-text handling
     * @param rng the source of randomness
     * @return the generation and its timing
     */
    public Generations generate(long[] prompt, GenerationConfig config, Rng rng) {
        return generate(List.of(prompt), config, rng);
    }

    /**
     * Continues a batch of prompts together.
     *
     * @param prompts token ids of each prompt (any lengths, empty allowed)
     * @param config budget, temperature and end-of-text handling
     * @param rng the source of randomness
     * @return one generation per prompt, in order, and the batch's timing
     */
    public Generations generate(List<long[]> prompts, GenerationConfig config, Rng rng) {
        if (prompts.isEmpty()) {
            throw new CalmException("generation needs at least one prompt");
        }
        int wanted = threads != null ? threads : prompts.size() == 1 ? 1 : 0;
        // 0 leaves the engine's count alone: no thread scope (try-with-resources skips a null resource)
        try (Backend.GradScope grad = Backend.noGrad();
                Backend.ThreadScope t = wanted == 0 ? null : Backend.threads(wanted)) {
            return run(prompts, config, rng);
        }
    }

    private Generations run(List<long[]> prompts, GenerationConfig config, Rng rng) {
        long start = System.nanoTime();
        int b = prompts.size();
        long[][] padded = prompts.stream().map(this::leftPadded).toArray(long[][]::new);
        int steps0 = Arrays.stream(padded).mapToInt(p -> p.length / k).max().orElseThrow();
        int[] hiddenSteps = new int[b]; // leading steps of alignment padding that no query may read
        long[] ids = new long[b * steps0 * k];
        Arrays.fill(ids, eosId);
        for (int r = 0; r < b; r++) {
            hiddenSteps[r] = steps0 - padded[r].length / k;
            System.arraycopy(padded[r], 0, ids, (r * steps0 + hiddenSteps[r]) * k, padded[r].length);
        }
        boolean aligned = Arrays.stream(hiddenSteps).anyMatch(h -> h > 0);
        StepSampler sampler = StepSampler.of(model, config);
        List<List<Long>> out = new ArrayList<>();
        boolean[] done = new boolean[b];
        for (int r = 0; r < b; r++) {
            out.add(new ArrayList<>());
        }
        int steps = 0;
        NDManager root = model.manager(); // the caches and every step live under the model's own manager
        try (KVCache cache = model.newCache(root); NDManager carried = root.newSubManager()) {
            long[] input = ids;
            NDArray fed = null; // the last step's tokens on the device, [B, K], when the sampler drew them there
            while (steps * k < config.maxNewTokens() && !allTrue(done)) {
                long[][] next;
                try (StepScope step = StepScope.open(root)) {
                    NDManager m = step.manager();
                    int t = input.length / (b * k);
                    AttentionLayout layout = aligned ? layout(m, cache.length(), t, hiddenSteps) : null;
                    NDArray tokens = fed != null ? fed : m.create(input, new Shape(b, (long) t * k)); // [B, t*K]
                    tokens.attach(m);
                    NDArray hidden = model.hidden(tokens, cache, layout); // [B, t, d]
                    StepSampler.Step drawn = sampler.nextStep(t == 1 ? hidden.reshape(b, -1) : hidden.get(":, -1, :"),
                            rng); // [B][K] from [B, d]
                    next = drawn.tokens();
                    fed = drawn.ids();
                    if (fed != null) {
                        fed.attach(carried); // outlives this step's manager, freed by the next one
                    }
                }
                steps++;
                input = new long[b * k];
                for (int r = 0; r < b; r++) {
                    System.arraycopy(next[r], 0, input, r * k, k);
                    for (long token : next[r]) {
                        if (done[r] || out.get(r).size() >= config.maxNewTokens()) {
                            break;
                        }
                        if (config.stopAtEndOfText() && token == eosId) {
                            done[r] = true;
                        } else {
                            out.get(r).add(token);
                        }
                    }
                }
            }
        }
        List<Generation> sequences = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            long[] tokens = out.get(r).stream().mapToLong(Long::longValue).toArray();
            sequences.add(new Generation(prompts.get(r), tokens, done[r]));
        }
        return new Generations(sequences, steps, (System.nanoTime() - start) / 1e9, sampler.fallbacks());
    }

    /** Causal attention over the steps each row may read: a row's alignment padding reads only itself. */
    private static AttentionLayout layout(NDManager m, int past, int t, int[] hiddenSteps) {
        long[] positions = LongStream.range(past, past + t).toArray();
        return AttentionLayout.of(m, positions, hiddenSteps.length, past + t,
                (r, q, key) -> key <= past + q && (key >= hiddenSteps[r] || key == past + q));
    }

    private long[] leftPadded(long[] prompt) {
        int pad = prompt.length == 0 ? k : (k - prompt.length % k) % k;
        long[] out = new long[pad + prompt.length];
        Arrays.fill(out, 0, pad, eosId);
        System.arraycopy(prompt, 0, out, pad, prompt.length);
        return out;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }
}
