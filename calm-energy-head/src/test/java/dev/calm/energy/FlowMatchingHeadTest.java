/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.CalmException;
import dev.calm.core.GoldenFiles;
import dev.calm.core.Rng;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flow-matching head: its midpoint solver against closed forms, its sampler driven by the exact velocity of a
 * Gaussian target, its network against the golden reference, its untrained state and its loss, and its named errors.
 */
@CalmExperiment
class FlowMatchingHeadTest {

    @Test
    void theMidpointSolverHasItsClosedFormErrors(NDManager m) {
        NDArray x0 = m.create(new float[] {1f, -2f, 0.5f}).reshape(1, 1, 3);
        // dx/dt = x: each step multiplies by 1 + dt + dt^2/2 (the Taylor series of e^dt to second order)
        float[] grown = FlowMatchingHead.midpoint(x0, 10, (x, t) -> x).toFloatArray();
        double factor = Math.pow(1 + 0.1 + 0.005, 10); // 2.71408 against e = 2.71828
        assertEquals(factor, grown[0], 1e-5);
        assertEquals(-2 * factor, grown[1], 1e-5);
        // dx/dt = t is integrated exactly (the midpoint rule is exact for linear integrands), dx/dt = t^2 with the
        // rule's error: sum dt t_mid^2 = 1/3 - 1/(12 n^2)
        assertEquals(1.5f, FlowMatchingHead.midpoint(x0, 7, (x, t) -> x.zerosLike().add((float) t)).getFloat(0, 0, 0),
                1e-6);
        assertEquals(1 + 1.0 / 3 - 1.0 / 1200,
                FlowMatchingHead.midpoint(x0, 10, (x, t) -> x.zerosLike().add((float) (t * t))).getFloat(0, 0, 0), 1e-6);
    }

    @Test
    void withTheExactVelocityOfAGaussianTheSamplerReturnsIt(NDManager m) {
        // x_1 ~ N(mu, s^2) per dimension, x_0 ~ N(0, 1): E[x_1 - x_0 | x_t] = mu + (t s^2 - (1 - t)) / ((1 - t)^2
        // + t^2 s^2) (x_t - t mu). The ODE is linear, so 10 midpoint steps give a Gaussian with std 0.49988 and
        // 1.99954 for (mu, s) = (1.5, 0.5) and (0, 2) (computed in float64); 20000 draws: SE 0.0035 and 0.014 on
        // the means, 0.5% on the stds.
        float[] mu = {1.5f, 0f};
        float[] s2 = {0.25f, 4f};
        NDArray mus = m.create(mu);
        NDArray vars = m.create(s2);
        NDArray noise = new Rng(3).normal(m, new Shape(20_000, 1, 2), 0f, 1f);
        float[] samples = FlowMatchingHead.midpoint(noise, FlowHeadConfig.DEFAULT_STEPS, (x, t) -> {
            float tf = (float) t;
            NDArray slope = vars.mul(tf).sub(1 - tf).div(vars.mul(tf * tf).add((1 - tf) * (1 - tf))); // [2]
            return x.sub(mus.mul(tf)).mul(slope).add(mus);
        }).toFloatArray();
        for (int k = 0; k < 2; k++) {
            double sum = 0;
            double sq = 0;
            for (int i = k; i < samples.length; i += 2) {
                sum += samples[i];
                sq += (double) samples[i] * samples[i];
            }
            double mean = sum / 20_000;
            double std = Math.sqrt(sq / 20_000 - mean * mean);
            assertEquals(mu[k], mean, 0.05, "mean of dimension " + k);
            assertEquals(Math.sqrt(s2[k]), std, 0.02 * Math.sqrt(s2[k]), "std of dimension " + k);
        }
    }

    @Test
    void theVelocityIsTheReferenceNetworkAtScaledTime(NDManager m) {
        FlowMatchingHead head = new FlowMatchingHead(new FlowHeadConfig(2, 8, 10), 8, 6);
        assertEquals("generative_head", head.parameterPrefix());
        assertTrue(head.namedParameters().keySet().stream().allMatch(n -> n.startsWith("net.")));
        TimeConditionedMlpTest.loadGolden(head, m);
        Map<String, NDArray> io = GoldenFiles.tensors("time_conditioned_net_io.safetensors", m);
        NDArray v = head.velocity(io.get("x"), 0.37, io.get("hidden")); // the network sees 1000 t = 370
        assertTrue(maxAbsDiff(v, io.get("shared_out")) <= 1e-4f, "max |diff| " + maxAbsDiff(v, io.get("shared_out")));
    }

    @Test
    void anUntrainedHeadSamplesItsNoiseAndItsLossIsTheVelocitysSecondMoment(NDManager m) {
        FlowMatchingHead head = new FlowMatchingHead(new FlowHeadConfig(1, 8, 10), 16, 4);
        head.initialize(m, new Rng(1));
        NDArray hidden = new Rng(2).normal(m, new Shape(64, 16), 0f, 1f);
        // the zero-initialised last layer: v = 0, so the ODE leaves the noise where it is
        NDArray z = head.sample(hidden, 3, new Rng(3)); // [3, 64, 4]
        assertEquals(new Shape(3, 64, 4), z.getShape());
        assertEquals(0f, maxAbsDiff(z, new Rng(3).normal(m, new Shape(3, 64, 4), 0f, 1f)));
        // loss = E (x_1 - x_0)^2 per dimension = mean^2 + std^2 + 1 = 0 + 0.25 + 1 for a target N(0, 0.5^2); 8 * 64 *
        // 4 squares of N(0, 1.25) have a mean with SE 0.039
        Posterior target = new Posterior(m.zeros(new Shape(64, 4)), m.zeros(new Shape(64, 4)).add((float) Math.log(0.5)));
        TrainingLoss loss = head.loss(hidden, target, new Rng(4));
        assertEquals(1.25, loss.loss().getFloat(), 0.15);
        assertTrue(loss.metrics().isEmpty());
    }

    @Test
    void badTimesShapesAndConfigsAreNamed(NDManager m) {
        FlowMatchingHead head = new FlowMatchingHead(new FlowHeadConfig(1, 8, 10), 16, 4);
        head.initialize(m, new Rng(1));
        NDArray hidden = m.zeros(new Shape(2, 16));
        NDArray x = m.zeros(new Shape(1, 2, 4));
        CalmException e = assertThrows(CalmException.class, () -> head.velocity(x, 1.5, hidden));
        assertTrue(e.getMessage().contains("the flow head's time t must be in [0, 1], got 1.5"), e.getMessage());
        e = assertThrows(CalmException.class, () -> head.velocity(x, Double.NaN, hidden));
        assertTrue(e.getMessage().contains("must be in [0, 1], got NaN"), e.getMessage());
        e = assertThrows(CalmException.class, () -> head.sample(m.zeros(new Shape(16)), 1, new Rng(1)));
        assertTrue(e.getMessage().contains("hidden states [positions, d]"), e.getMessage());
        e = assertThrows(CalmException.class, () -> head.loss(hidden, new Posterior(m.zeros(new Shape(2, 3)),
                m.zeros(new Shape(2, 3))), new Rng(1)));
        assertTrue(e.getMessage().contains("target posterior must be [2, 4]"), e.getMessage());
        e = assertThrows(CalmException.class, () -> new FlowHeadConfig(1, 8, 0));
        assertTrue(e.getMessage().contains("num_steps (the flow head's ODE steps) must be >= 1, got 0"), e.getMessage());
        e = assertThrows(CalmException.class, () -> new FlowHeadConfig(0, 8, 10));
        assertTrue(e.getMessage().contains("num_mlp_layers must be > 0"), e.getMessage());
    }
}
