/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Parameter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Forward/backward through the backbone: gradients reach every parameter and agree with finite differences,
 * and thousands of steps leave the number of live native arrays unchanged.
 */
class TrainingStepTest {

    /** Next-token cross-entropy through the tied embedding: a real language-model loss. */
    private static NDArray loss(Transformer model, NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray input = ids.get(":, 0:{}", t - 1);
        NDArray target = ids.get(":, 1:");
        NDArray logits = model.embedTokens().logits(model.forwardTokens(input, null)); // [B, T-1, V]
        return Losses.crossEntropy(logits, target);
    }

    /** Rows that count up from a random start (mod vocab): a pattern the model can learn. */
    private static long[] countingSequences(SplittableRandom random, int rows, int length, int vocab) {
        long[] ids = new long[rows * length];
        for (int r = 0; r < rows; r++) {
            long start = random.nextInt(vocab);
            for (int i = 0; i < length; i++) {
                ids[r * length + i] = (start + i) % vocab;
            }
        }
        return ids;
    }

    @Test
    void gradientsReachEveryParameterAndMatchFiniteDifferences() {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Transformer model = new Transformer(new TransformerConfig(30, 16, 24, 2, 4, 2, 32, 10000, 1e-6));
            model.initialize(root, new Rng(3));
            NDArray ids = root.create(new Rng(4).javaRandom().longs(2 * 9, 0, 30).toArray(), new Shape(2, 9));
            float base;
            try (GradientCollector gc = Engine.getEngine(Backend.ENGINE).newGradientCollector()) {
                NDArray l = loss(model, ids);
                base = l.getFloat();
                gc.backward(l);
            }
            // A random direction u over all parameters: (L(w + eps u) - L(w - eps u)) / (2 eps) = grad . u
            Rng rng = new Rng(5);
            double analytic = 0;
            float plus;
            float minus;
            try (Backend.GradScope grad = Backend.noGrad()) { // in place on leaves that require grad
                for (var e : model.namedParameters().entrySet()) {
                    NDArray g = e.getValue().array().getGradient();
                    assertTrue(g.abs().sum().getFloat() > 0, "no gradient reached " + e.getKey());
                    NDArray u = rng.normal(root, e.getValue().shape(), 0, 1);
                    analytic += g.mul(u).sum().getFloat();
                    e.getValue().array().addi(u.mul(1e-2f)); // w + eps u
                    u.close();
                }
                plus = loss(model, ids).getFloat();
                rng = new Rng(5);
                for (Parameter p : model.namedParameters().values()) {
                    NDArray u = rng.normal(root, p.shape(), 0, 1);
                    p.array().subi(u.mul(2e-2f)); // w - eps u
                }
                minus = loss(model, ids).getFloat();
            }
            double numeric = (plus - minus) / (2 * 1e-2);
            // central differences in FP32 at eps 1e-2: agreement within 2% of the derivative
            assertEquals(analytic, numeric, 0.02 * Math.abs(analytic), "loss " + base);
        }
    }

    @Test
    void liveArraysStayFlatOverThousandsOfSteps() {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Transformer model = new Transformer(new TransformerConfig(64, 32, 64, 2, 4, 2, 64, 10000, 1e-6));
            model.initialize(root, new Rng(8));
            SplittableRandom data = new Rng(9).javaRandom();
            int modelArrays = root.getManagedArrays().size(); // parameters and buffers
            int baseline = -1;
            float first = 0;
            float last = 0;
            for (int step = 0; step < 2000; step++) {
                try (StepScope scope = StepScope.open(root, model)) {
                    NDArray ids = scope.manager().create(countingSequences(data, 4, 17, 64), new Shape(4, 17));
                    try (GradientCollector gc = Engine.getEngine(Backend.ENGINE).newGradientCollector()) {
                        NDArray l = loss(model, ids);
                        gc.backward(l);
                        last = l.getFloat();
                    }
                    try (Backend.GradScope grad = Backend.noGrad()) { // in place on leaves that require grad
                        for (Parameter p : model.namedParameters().values()) { // plain SGD, lr 0.05
                            p.array().subi(p.array().getGradient().mul(0.05f));
                            Backend.zeroGrad(p.array());
                        }
                    }
                }
                if (step == 0) {
                    first = last;
                }
                if (step == 10) {
                    baseline = root.getManagedArrays().size();
                }
            }
            assertEquals(baseline, root.getManagedArrays().size(), "live NDArrays grew over 2000 steps");
            assertEquals(modelArrays, baseline, "only the model's parameters and buffers stay alive between steps");
            assertTrue(last < 0.5f * first, "SGD learns to count: " + first + " -> " + last);
        }
    }

    @Test
    void inferenceNeverAllocatesIntoTheParametersManager() {
        // The backbone's ops always take an activation as first operand (DJL puts a result in the manager of its
        // first operand), so decoding in a plain sub-manager, without attaching the parameters, leaves nothing
        // behind: inference can skip StepScope's attach/detach cost.
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Transformer model = new Transformer(new TransformerConfig(64, 32, 64, 2, 4, 2, 256, 10000, 1e-6));
            model.initialize(root, new Rng(8));
            int modelArrays = root.getManagedArrays().size();
            long next = 1;
            try (KVCache cache = model.newCache(root)) {
                for (int i = 0; i < 200; i++) {
                    try (StepScope scope = StepScope.open(root)) {
                        NDArray ids = scope.manager().create(new long[] {next}, new Shape(1, 1));
                        NDArray hidden = model.forwardTokens(ids, cache);
                        next = model.embedTokens().logits(hidden).argMax(-1).getLong();
                    }
                }
                assertEquals(200, cache.length());
                // the cache holds one array per layer (its keys and values); nothing else accumulates
                assertEquals(modelArrays + 2, root.getManagedArrays().size());
            }
            assertEquals(modelArrays, root.getManagedArrays().size());
        }
    }
}
