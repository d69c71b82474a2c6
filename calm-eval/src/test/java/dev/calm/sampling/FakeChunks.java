/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;
import dev.calm.energy.StepModel;

/**
 * A model without probabilities whose every step is one of the 2-token chunks {10, 11}, {12, 13}, ... drawn
 * from a known distribution, whatever the prefix: a black box for testing temperature sampling end to end.
 */
final class FakeChunks implements StepModel {

    private final double[] p;
    private final NDManager manager;

    FakeChunks(double[] p, NDManager manager) {
        this.p = p.clone();
        this.manager = manager;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public int tokensPerStep() {
        return 2;
    }

    @Override
    public KVCache newCache(NDManager manager) {
        return new KVCache(manager, 0);
    }

    @Override
    public NDArray hidden(NDArray ids, KVCache cache, AttentionLayout layout) {
        return ids.getManager().zeros(new Shape(ids.getShape().get(0), ids.getShape().get(1) / 2, 1));
    }

    @Override
    public NDArray sample(NDArray hidden, int n, Rng rng) {
        int positions = (int) hidden.getShape().get(0);
        long[] out = new long[n * positions * 2];
        for (int i = 0; i < n * positions; i++) {
            double u = rng.nextDouble();
            int c = 0;
            while (c < p.length - 1 && u >= p[c]) {
                u -= p[c++];
            }
            out[2 * i] = 10 + 2L * c;
            out[2 * i + 1] = 11 + 2L * c;
        }
        return hidden.getManager().create(out, new Shape(n, positions, 2));
    }

    /** How often each chunk was generated as a sequence's first step. */
    static int[] counts(Generations g) {
        int[] counts = new int[8];
        for (long first : firstTokens(g)) {
            counts[(int) (first - 10) / 2]++;
        }
        return counts;
    }

    /** The first generated token of each sequence. */
    static long[] firstTokens(Generations g) {
        return g.sequences().stream().mapToLong(s -> s.tokens()[0]).toArray();
    }
}
