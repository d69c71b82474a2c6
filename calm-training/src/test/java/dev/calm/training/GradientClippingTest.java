/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.TrainingLoss;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradientClippingTest {

    @Test
    void clipsByTheGlobalNormAcrossTensors() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray a = m.create(new float[] {3f});
            NDArray b = m.create(new float[] {4f});
            double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 1.0);
            assertEquals(5.0, norm, 1e-6);
            // scaled by 1 / (5 + 1e-6)
            assertArrayEquals(new float[] {0.6f}, a.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.8f}, b.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void leavesGradientsBelowTheMaximumUnchanged() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray g = m.create(new float[] {0.3f, 0.4f});
            assertEquals(0.5, GradientClipping.clipGlobalNorm(List.of(g), 1.0), 1e-7);
            assertArrayEquals(new float[] {0.3f, 0.4f}, g.toFloatArray(), 0f);
            NDArray big = m.create(new float[] {30f, 40f});
            assertEquals(50, GradientClipping.clipGlobalNorm(List.of(big), 0), 1e-5); // 0: measure only
            assertArrayEquals(new float[] {30f, 40f}, big.toFloatArray(), 0f);
        }
    }

    @Test
    void reportsANonFiniteNormWithoutScaling() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray g = m.create(new float[] {Float.NaN, 1f});
            assertTrue(Double.isNaN(GradientClipping.clipGlobalNorm(List.of(g), 1.0)));
            assertEquals(1f, g.toFloatArray()[1], 0f);
        }
    }

    /**
     * max_grad_norm changes the update the trainer applies, by the amount the formulas say. A linear loss
     * sum(w * a_t) + sum(b * a_t) has the gradient a_t = s_t (1, 2) for both parameters (global norm s_t sqrt(10)),
     * with s_t = 1, 10, 0.1 at steps 1, 2, 3. Clipped to norm 1, the first two gradients are rescaled and the third
     * is not. Adam is invariant to one common scale of every gradient, not to scales that differ between steps, so
     * the clipped and unclipped runs end apart; each must match its own hand computation of clipping and AdamW.
     */
    @Test
    void theTrainerClipsTheGradientOfEveryStepBeforeAdamW(@TempDir Path dir) {
        double[] scales = {1, 10, 0.1};
        double[] end = new double[2];
        for (double maxNorm : new double[] {0, 1}) {
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
                model.initialize(root, new Rng(0));
                TrainConfig config = Runs.config(3).learningRate(0.1).weightDecay(0).maxGradNorm(maxNorm).build();
                Path run = dir.resolve("max-norm-" + maxNorm);
                new Trainer(new ScaledLinear(model, scales), Runs.data(1), config, run).fit();
                List<Double> lrs = Runs.column(run, "lr").subList(0, 3);
                float[] w = model.w.array().toFloatArray();
                for (int i = 0; i < 2; i++) {
                    double expected = byHand(i == 0 ? 1 : -2, i + 1, scales, maxNorm, lrs, config);
                    assertEquals(expected, w[i], 1e-5, "w[" + i + "] with max_grad_norm " + maxNorm);
                }
                end[maxNorm == 0 ? 0 : 1] = w[0];
            }
        }
        assertTrue(Math.abs(end[0] - end[1]) > 0.01, "clipping must change the trajectory: " + end[0] + ", " + end[1]);
    }

    /** One weight's AdamW trajectory under gradients factor * s_t, clipped by the global norm s_t sqrt(10). */
    private static double byHand(double w, double factor, double[] scales, double maxNorm, List<Double> lrs,
            TrainConfig c) {
        double m = 0;
        double v = 0;
        for (int t = 1; t <= scales.length; t++) {
            double norm = scales[t - 1] * Math.sqrt(10);
            double clip = maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
            double g = factor * scales[t - 1] * clip;
            m = c.beta1() * m + (1 - c.beta1()) * g;
            v = c.beta2() * v + (1 - c.beta2()) * g * g;
            double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(c.beta2(), t)) + c.eps();
            w -= lrs.get(t - 1) / (1 - Math.pow(c.beta1(), t)) * m / denom;
        }
        return w;
    }

    /** sum(w * a_t) + sum(b * a_t) with a_t = s_t (1, 2), s_t taken in turn from the scales at each call. */
    private static final class ScaledLinear implements Objective {
        private final TinyModels.Pair model;
        private final double[] scales;
        private int call;

        ScaledLinear(TinyModels.Pair model, double[] scales) {
            this.model = model;
            this.scales = scales;
        }

        @Override
        public Module model() {
            return model;
        }

        @Override
        public TrainingLoss loss(NDArray batch, Rng rng) {
            float s = (float) scales[call++];
            NDArray a = batch.getManager().create(new float[] {s, 2 * s});
            NDArray loss = model.w.array().mul(a).sum().add(model.b.array().mul(a).sum());
            return new TrainingLoss(loss, Map.of());
        }
    }
}
