/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.llama.KVCache;
import java.util.Arrays;

/**
 * Autoregressive sampling at batch 1 with the KV cache, for any model that emits a fixed number of tokens per
 * step: the prompt is run once, then each step feeds back only the tokens of the previous step. Subclasses
 * provide the step ({@link CalmGenerator}: K tokens from one vector; {@link TokenGenerator}: one token from a
 * softmax). Each step's tensors live in their own manager, so memory stays flat however long the text.
 */
public abstract class Generator {

    private final NDManager root;
    private final int tokensPerStep;
    private final long padId;

    /**
     * @param root the manager of the model's parameters
     * @param tokensPerStep tokens a step emits and a cached position holds (K for CALM, 1 for tokens)
     * @param padId the id that left-pads a prompt to a multiple of {@code tokensPerStep} (end-of-text)
     */
    protected Generator(NDManager root, int tokensPerStep, long padId) {
        this.root = root;
        this.tokensPerStep = tokensPerStep;
        this.padId = padId;
    }

    /**
     * Samples a continuation. An empty prompt starts from one step of end-of-text tokens, as a document start.
     *
     * @param prompt token ids
     * @param maxNewTokens tokens to generate (rounded up to whole steps, then cut)
     * @param rng the source of randomness
     * @return the prompt, the new tokens and the timing
     */
    public final Generation generate(long[] prompt, int maxNewTokens, Rng rng) {
        if (maxNewTokens < 1) {
            throw new CalmException("max new tokens must be >= 1, got " + maxNewTokens);
        }
        Backend.setGradMode(false);
        long start = System.nanoTime();
        long[] tokens = new long[maxNewTokens + tokensPerStep];
        int produced = 0;
        int steps = 0;
        long[] input = leftPadded(prompt);
        try (KVCache cache = newCache(root)) {
            while (produced < maxNewTokens) {
                long[] next;
                try (StepScope step = StepScope.open(root)) {
                    NDArray ids = step.manager().create(input, new Shape(1, input.length)); // [1, n * step]
                    next = next(ids, cache, rng);
                }
                System.arraycopy(next, 0, tokens, produced, tokensPerStep);
                produced += tokensPerStep;
                steps++;
                input = next;
            }
        }
        return new Generation(prompt, Arrays.copyOf(tokens, maxNewTokens), steps, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Creates the cache of one sequence.
     *
     * @param manager the manager it lives under
     * @return an empty cache
     */
    protected abstract KVCache newCache(NDManager manager);

    /**
     * One step: runs the new positions through the model, extending the cache, and samples the next tokens.
     *
     * @param ids the tokens not yet in the cache, [1, n * tokensPerStep]
     * @param cache the sequence's cache
     * @param rng the source of randomness
     * @return the next {@code tokensPerStep} token ids
     */
    protected abstract long[] next(NDArray ids, KVCache cache, Rng rng);

    private long[] leftPadded(long[] prompt) {
        int pad = prompt.length == 0 ? tokensPerStep : (tokensPerStep - prompt.length % tokensPerStep) % tokensPerStep;
        long[] out = new long[pad + prompt.length];
        Arrays.fill(out, 0, pad, padId);
        System.arraycopy(prompt, 0, out, pad, prompt.length);
        return out;
    }
}
