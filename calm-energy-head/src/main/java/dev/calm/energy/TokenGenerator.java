/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.Rng;
import dev.calm.core.llama.KVCache;

/** Ancestral sampling from the token baseline's softmax at temperature 1, one token per step. */
public final class TokenGenerator extends Generator {

    private final TokenBaseline model;

    /**
     * @param model the baseline
     * @param root the manager of its parameters
     * @param eosId the end-of-text id, the start of an empty prompt
     */
    public TokenGenerator(TokenBaseline model, NDManager root, long eosId) {
        super(root, 1, eosId);
        this.model = model;
    }

    @Override
    protected KVCache newCache(NDManager manager) {
        return model.newCache(manager);
    }

    @Override
    protected long[] next(NDArray ids, KVCache cache, Rng rng) {
        float[] p = model.logits(ids, cache).get(":, -1, :").softmax(-1).toFloatArray(); // [1, V]
        return new long[] {sample(p, rng)};
    }

    /**
     * Inverse-CDF sampling: the first id whose cumulative probability exceeds u ~ U[0, 1).
     *
     * @param probabilities a distribution over ids (summing to 1 up to rounding)
     * @param rng the source of u
     * @return the sampled id
     */
    static int sample(float[] probabilities, Rng rng) {
        double u = (rng.nextLong() >>> 11) * 0x1.0p-53;
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > 0) {
                cumulative += probabilities[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // rounding left u above the total: the last id with any probability
    }
}
