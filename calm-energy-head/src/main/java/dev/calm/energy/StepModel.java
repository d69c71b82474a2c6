/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.Rng;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;

/**
 * A language model seen as a sampler of its next step given a prefix: all that generation, BrierLM and
 * temperature sampling need (paper, sections 4 and 5). A step is K tokens for {@link Calm} and one token for the
 * {@link TokenBaseline}; the backbone has one position per step, and the hidden state of a position predicts the
 * step after it.
 */
public interface StepModel {

    /** @return tokens per step and per backbone position (K for CALM, 1 for a token model) */
    int tokensPerStep();

    /**
     * The manager the model's tensors live in (for a {@link dev.calm.core.nn.Module}, the manager of its
     * parameters): evaluators and generators open their per-step managers and caches under it, so callers do not
     * pass it alongside the model.
     *
     * @return the owner and device of the model's tensors
     * @throws IllegalStateException if the model has no tensors yet (not initialised or loaded)
     */
    NDManager manager();

    /**
     * @param manager the manager the cache lives under
     * @return an empty KV cache whose positions are steps
     */
    KVCache newCache(NDManager manager);

    /**
     * Runs the tokens of n steps through the model.
     *
     * @param ids token ids, [B, n * tokensPerStep]
     * @param cache the KV cache to read and extend, or null for a full pass
     * @param layout positions (in steps) and attention mask of the n new positions, or null for a causal run
     * @return hidden states, one per step, [B, n, d]; position i's state predicts step i + 1
     */
    NDArray hidden(NDArray ids, KVCache cache, AttentionLayout layout);

    /**
     * Draws independent samples of the next step.
     *
     * @param hidden hidden states, [P, d]
     * @param n samples per state
     * @param rng the source of randomness
     * @return token ids, INT64 [n, P, tokensPerStep]
     */
    NDArray sample(NDArray hidden, int n, Rng rng);

    /**
     * Copies sampled steps to the host.
     *
     * @param samples token ids, INT64 [n, P, K], as {@link #sample} returns them
     * @return the same ids as [n][P][K]
     */
    static long[][][] toHost(NDArray samples) {
        int n = (int) samples.getShape().get(0);
        int positions = (int) samples.getShape().get(1);
        int k = (int) samples.getShape().get(2);
        long[] flat = samples.toLongArray();
        long[][][] out = new long[n][positions][k];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < positions; p++) {
                System.arraycopy(flat, (i * positions + p) * k, out[i][p], 0, k);
            }
        }
        return out;
    }
}
