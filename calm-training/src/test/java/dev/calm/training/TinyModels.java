/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.nn.Init;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Small models and objectives for the trainer's tests. */
final class TinyModels {

    private TinyModels() {}

    /** A 1-layer backbone over 16 token ids: fast enough for hundreds of steps in a test. */
    static TransformerConfig lmConfig() {
        return new TransformerConfig(16, 32, 64, 1, 4, 2, 32, 10000, 1e-6);
    }

    /** Two parameters of two elements each, one with weight decay ("w") and one without ("b"). */
    static final class Pair extends Module {
        final Parameter w;
        final Parameter b;

        Pair(float[] w0, float[] b0) {
            w = parameter("w", new Shape(2), constant(w0), true);
            b = parameter("b", new Shape(2), constant(b0), false);
        }

        private static Init constant(float[] values) {
            return (manager, shape, rng) -> manager.create(values, shape);
        }
    }

    /** Next-token cross-entropy through a tiny Transformer, with optional dropout on the hidden states. */
    static final class LanguageModel implements Objective {
        private final Transformer model;
        private final float dropout;

        LanguageModel(NDManager root, long initSeed, float dropout) {
            this.model = new Transformer(lmConfig());
            this.model.initialize(root, new Rng(initSeed));
            this.dropout = dropout;
        }

        Transformer transformer() {
            return model;
        }

        @Override
        public Module model() {
            return model;
        }

        @Override
        public StepLoss loss(NDArray batch, Rng rng) {
            long t = batch.getShape().get(1);
            NDArray input = batch.get(":, 0:{}", t - 1); // [B, T-1]
            NDArray target = batch.get(":, 1:"); // [B, T-1]
            NDArray hidden = model.forwardTokens(input, null); // [B, T-1, d]
            if (dropout > 0) {
                NDArray keep = rng.bernoulli(batch.getManager(), hidden.getShape(), 1 - dropout);
                hidden = hidden.mul(keep).div(1 - dropout);
            }
            NDArray ce = Losses.crossEntropy(model.embedTokens().logits(hidden), target); // scalar
            Map<String, NDArray> metrics = new LinkedHashMap<>();
            metrics.put("ce", ce);
            metrics.put("hidden_rms", hidden.square().mean().sqrt());
            return new StepLoss(ce, metrics);
        }
    }

    /** Wraps an objective and multiplies its loss by NaN at chosen calls (from 1). */
    static final class NaNAt implements Objective {
        private final Objective inner;
        private final Set<Integer> calls;
        private int call;

        NaNAt(Objective inner, Set<Integer> calls) {
            this.inner = inner;
            this.calls = calls;
        }

        @Override
        public Module model() {
            return inner.model();
        }

        @Override
        public StepLoss loss(NDArray batch, Rng rng) {
            StepLoss out = inner.loss(batch, rng);
            if (calls.contains(++call)) {
                return new StepLoss(out.loss().mul(Float.NaN), out.metrics());
            }
            return out;
        }
    }

    /**
     * Blocks that count up from every start (mod vocab): a repetitive pattern a tiny model learns quickly.
     *
     * @param count number of blocks
     * @param length tokens per block
     * @param vocab vocabulary size
     */
    static int[][] countingBlocks(int count, int length, int vocab) {
        int[][] blocks = new int[count][length];
        for (int b = 0; b < count; b++) {
            for (int i = 0; i < length; i++) {
                blocks[b][i] = (b + i) % vocab;
            }
        }
        return blocks;
    }
}
