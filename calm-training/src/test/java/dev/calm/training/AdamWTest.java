/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamW against PyTorch's formulas computed by hand in double precision. */
class AdamWTest {

    private static final double B1 = 0.9;
    private static final double B2 = 0.95;
    private static final double EPS = 1e-8;
    /** Known gradients of "w" for three steps: loss = sum(w * c) has gradient c. */
    private static final float[][] GRADS = {{0.5f, -1.0f}, {0.1f, 0.2f}, {-0.3f, 0.4f}};

    /** Runs one step: backward of sum(w * c) + sum(b * c), then the optimizer. */
    private static void step(NDManager root, TinyModels.Pair model, AdamW opt, float[] c, double lr) {
        try (StepScope scope = StepScope.open(root, model)) {
            NDArray grad = scope.manager().create(c);
            try (GradientCollector gc = Backend.engine().newGradientCollector()) {
                gc.backward(model.w.array().mul(grad).sum().add(model.b.array().mul(grad).sum()));
            }
            opt.step(scope.manager(), lr);
            Backend.zeroGrad(model.w.array());
            Backend.zeroGrad(model.b.array());
        }
    }

    /** PyTorch's AdamW for one element over the three steps, in double precision. */
    private static double reference(double w, int element, double[] lrs, double wd) {
        double m = 0;
        double v = 0;
        for (int t = 1; t <= GRADS.length; t++) {
            double g = GRADS[t - 1][element];
            double lr = lrs[t - 1];
            w *= 1 - lr * wd;
            m = B1 * m + (1 - B1) * g;
            v = B2 * v + (1 - B2) * g * g;
            double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
            w -= lr / (1 - Math.pow(B1, t)) * m / denom;
        }
        return w;
    }

    private static void checkThreeSteps(double wd, double[] lrs) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
            model.initialize(root, new Rng(0));
            try (AdamW opt = new AdamW(model, root, B1, B2, EPS, wd)) {
                for (int t = 0; t < 3; t++) {
                    step(root, model, opt, GRADS[t], lrs[t]);
                }
                assertEquals(3, opt.stepCount());
                float[] w = model.w.array().toFloatArray();
                float[] b = model.b.array().toFloatArray();
                assertEquals(reference(1, 0, lrs, wd), w[0], 1e-6);
                assertEquals(reference(-2, 1, lrs, wd), w[1], 1e-6);
                // "b" has no weight decay: the reference without decay
                assertEquals(reference(0.5, 0, lrs, 0), b[0], 1e-6);
                assertEquals(reference(3, 1, lrs, 0), b[1], 1e-6);
            }
        }
    }

    @Test
    void threeStepsMatchTheFormulaWithoutDecay() {
        checkThreeSteps(0, new double[] {0.1, 0.1, 0.1});
    }

    @Test
    void threeStepsMatchTheFormulaWithDecayAndWarmup() {
        LearningRateSchedule warmup = new LearningRateSchedule(0.1, 2, 10, LearningRateSchedule.Shape.CONSTANT);
        double[] lrs = {warmup.at(0), warmup.at(1), warmup.at(2)};
        assertArrayEquals(new double[] {0, 0.05, 0.1}, lrs, 1e-15);
        checkThreeSteps(0.1, lrs);
    }

    @Test
    void firstStepMovesEachWeightByTheLearningRate() {
        // At t = 1, m_hat = g and sqrt(v_hat) = |g|: the step is lr * g / (|g| + eps), i.e. lr * sign(g).
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
            model.initialize(root, new Rng(0));
            try (AdamW opt = new AdamW(model, root, B1, B2, EPS, 0.1)) {
                step(root, model, opt, GRADS[0], 0.1);
                // w: decayed by 1 - 0.1 * 0.1 = 0.99 first, then -0.1 * sign(0.5, -1)
                assertArrayEquals(new float[] {0.99f - 0.1f, -1.98f + 0.1f}, model.w.array().toFloatArray(), 1e-6f);
                // b: no decay
                assertArrayEquals(new float[] {0.4f, 3.1f}, model.b.array().toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void aParameterGroupMovesAtItsScaledRate() {
        // lr_scales {"b": 10}: at t = 1 "b" moves 10 x lr * sign(g), "w" decays and moves at lr as before.
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
            model.initialize(root, new Rng(0));
            TrainConfig config = TrainConfig.defaults(10).toBuilder().betas(B1, B2).eps(EPS).weightDecay(0.1)
                    .lrScales(java.util.Map.of("b", 10.0)).build();
            assertEquals(10, config.lrScale("b"), 0);
            assertEquals(1, config.lrScale("w"), 0);
            try (AdamW opt = AdamW.of(model, root, config)) {
                step(root, model, opt, GRADS[0], 0.01);
                assertArrayEquals(new float[] {0.999f - 0.01f, -1.998f + 0.01f}, model.w.array().toFloatArray(), 1e-6f);
                assertArrayEquals(new float[] {0.4f, 3.1f}, model.b.array().toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void theLongestMatchingPrefixGivesTheScale() {
        TrainConfig config = TrainConfig.defaults(10).toBuilder()
                .lrScales(java.util.Map.of("mlp_generator.", 10.0, "mlp_generator.final_layer.", 2.0)).build();
        assertEquals(2, config.lrScale("mlp_generator.final_layer.linears.2.weight"), 0);
        assertEquals(10, config.lrScale("mlp_generator.noise_embd.weight"), 0);
        assertEquals(1, config.lrScale("transformer.norm.weight"), 0);
        CalmException e = assertThrows(CalmException.class, () -> TrainConfig.defaults(10).toBuilder()
                .lrScales(java.util.Map.of("x", 0.0)).build());
        assertTrue(e.getMessage().contains("lr_scales[x] must be a finite number > 0"), e.getMessage());
    }

    @Test
    void decayAppliesOnlyToParametersMarkedForIt() {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
            model.initialize(root, new Rng(0));
            try (AdamW opt = new AdamW(model, root, B1, B2, EPS, 0.1)) {
                step(root, model, opt, new float[] {0, 0}, 0.5); // zero gradient: only the decay moves weights
                assertArrayEquals(new float[] {0.95f, -1.9f}, model.w.array().toFloatArray(), 1e-7f);
                assertArrayEquals(new float[] {0.5f, 3f}, model.b.array().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void savedStateContinuesExactly(@TempDir Path dir) {
        float[] continued;
        float[] uninterrupted;
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
            model.initialize(root, new Rng(0));
            try (AdamW opt = new AdamW(model, root, B1, B2, EPS, 0.1)) {
                step(root, model, opt, GRADS[0], 0.1);
                step(root, model, opt, GRADS[1], 0.1);
                opt.save(dir.resolve("opt.safetensors"));
                model.save(dir.resolve("model.safetensors"), dev.calm.core.io.DType.F32);
                step(root, model, opt, GRADS[2], 0.1);
                uninterrupted = model.w.array().toFloatArray();
            }
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {0f, 0f}, new float[] {0f, 0f});
            model.initialize(root, new Rng(0));
            model.load(dir.resolve("model.safetensors"), root);
            try (AdamW opt = new AdamW(model, root, B1, B2, EPS, 0.1)) {
                opt.load(dir.resolve("opt.safetensors"), 2);
                step(root, model, opt, GRADS[2], 0.1);
                continued = model.w.array().toFloatArray();
            }
        }
        assertArrayEquals(uninterrupted, continued, 0f);
    }

    @Test
    void stateOfAnotherModelIsRejected(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1f, -2f}, new float[] {0.5f, 3f});
            model.initialize(root, new Rng(0));
            TinyModels.LanguageModel other = new TinyModels.LanguageModel(root, 1, 0);
            try (AdamW opt = new AdamW(model, root, B1, B2, EPS, 0.1);
                    AdamW otherOpt = new AdamW(other.model(), root, B1, B2, EPS, 0.1)) {
                otherOpt.save(dir.resolve("opt.safetensors"));
                CalmException e = assertThrows(CalmException.class, () -> opt.load(dir.resolve("opt.safetensors"), 1));
                assertTrue(e.getMessage().contains("does not match the model: missing [exp_avg.b"), e.getMessage());
                assertEquals(0, opt.stepCount());
            }
        }
    }
}
