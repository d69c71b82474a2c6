/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mixture head: its energy-score estimator against hand-computed distances and against the plain sample
 * estimator on draws of the same mixture, and its sampler against its own weights, means and scales.
 */
@CalmExperiment
class MixtureEnergyHeadTest {

    @Test
    void theMixtureEstimatorMatchesHandComputedDistances(NDManager m) {
        // components at (0, 0) and (3, 4) with weights 1/4 and 3/4, no spread; targets (0, 0) and (6, 8).
        // diversity = 2 * 1/4 * 3/4 * 5 = 1.875; fidelity = 1/4 * (0 + 10) / 2 + 3/4 * (5 + 5) / 2 = 5; loss 8.125
        NDArray x = m.create(new float[] {0, 0, 3, 4}, new Shape(2, 1, 2)); // [C, P, l]
        NDArray pi = m.create(new float[] {0.25f, 0.75f}, new Shape(1, 2)); // [P, C]
        NDArray y = m.create(new float[] {0, 0, 6, 8}, new Shape(2, 1, 2)); // [M, P, l]
        EnergyScore.Terms t = EnergyScore.mixture(x, x, pi, y, 1.0);
        assertEquals(1.875f, t.diversity().getFloat(0), 1e-5f);
        assertEquals(5f, t.fidelity().getFloat(0), 1e-5f);
        assertEquals(8.125f, t.loss().getFloat(), 1e-5f);
        CalmException e = assertThrows(CalmException.class, () -> EnergyScore.mixture(x, x, pi.transpose(), y, 1.0));
        assertTrue(e.getMessage().contains("weights [P, C]"), e.getMessage());
    }

    @Test
    void theMixtureEstimatorAgreesWithTheSampleEstimatorOnDrawsOfTheMixture(NDManager m) {
        // one position, 3 components in 2-D with spread; both estimators are unbiased for the same two expectations
        float[] means = {-2, 0, 1, 1, 3, -1};
        float[] stds = {0.5f, 0.2f, 1.0f};
        float[] weights = {0.2f, 0.5f, 0.3f};
        Rng rng = new Rng(11);
        int reps = 400;
        double[] closedForm = new double[2];
        double[] sampled = new double[2];
        NDArray pi = m.create(weights, new Shape(1, 3));
        NDArray mu = m.create(means, new Shape(3, 1, 2));
        NDArray sd = m.create(stds, new Shape(3, 1, 1));
        for (int r = 0; r < reps; r++) {
            NDArray y = rng.normal(m, new Shape(4, 1, 2), 0f, 1f); // any targets: N(0, I)
            NDArray x1 = mu.add(rng.normal(m, new Shape(3, 1, 2), 0f, 1f).mul(sd));
            NDArray x2 = mu.add(rng.normal(m, new Shape(3, 1, 2), 0f, 1f).mul(sd));
            EnergyScore.Terms a = EnergyScore.mixture(x1, x2, pi, y, 1.0);
            closedForm[0] += a.diversity().getFloat(0);
            closedForm[1] += a.fidelity().getFloat(0);
            EnergyScore.Terms b = EnergyScore.estimate(draws(m, means, stds, weights, 16, rng), y, 1.0);
            sampled[0] += b.diversity().getFloat(0);
            sampled[1] += b.fidelity().getFloat(0);
        }
        // E||X - X'|| is about 2.5 and E||X - Y|| about 2.4 here; 400 repetitions put both means within ~0.03
        assertEquals(sampled[0] / reps, closedForm[0] / reps, 0.08, "E||X - X'||");
        assertEquals(sampled[1] / reps, closedForm[1] / reps, 0.08, "E||X - Y||");
    }

    /** n draws of the mixture at one position, [n, 1, 2], component by inverse CDF of a uniform. */
    private static NDArray draws(NDManager m, float[] means, float[] stds, float[] weights, int n, Rng rng) {
        var random = rng.javaRandom();
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int c = u < weights[0] ? 0 : u < weights[0] + weights[1] ? 1 : 2;
            out[2 * i] = (float) (means[2 * c] + stds[c] * random.nextGaussian());
            out[2 * i + 1] = (float) (means[2 * c + 1] + stds[c] * random.nextGaussian());
        }
        return m.create(out, new Shape(n, 1, 2));
    }

    @Test
    void samplesFollowTheWeightsMeansAndScalesOfTheMixture(NDManager m) {
        int d = 8;
        MixtureEnergyHead head = new MixtureEnergyHead(new MixtureHeadConfig(3, 4, 1.0, 0.3), d, 2);
        head.initialize(m, new Rng(1));
        // weights through the logits' bias only (log 0.2, log 0.5, log 0.3), fixed means through the means' bias
        Map<String, NDArray> state = new LinkedHashMap<>(head.stateDict());
        state.put("logits.weight", state.get("logits.weight").zerosLike());
        state.put("logits.bias", m.create(new float[] {0.2f, 0.5f, 0.3f}).log());
        state.put("means.weight", state.get("means.weight").zerosLike());
        state.put("means.bias", m.create(new float[] {-2, 0, 1, 1, 3, -1}));
        head.load(state, m);
        NDArray hidden = new Rng(2).normal(m, new Shape(1, d), 0f, 1f); // [P = 1, d]
        int n = 20_000;
        float[] s = head.sample(hidden, n, new Rng(3)).toFloatArray(); // [n, 1, 2]
        int[] counts = new int[3];
        double[] spread = new double[3];
        float[][] centres = {{-2, 0}, {1, 1}, {3, -1}};
        for (int i = 0; i < n; i++) {
            int nearest = 0;
            for (int c = 1; c < 3; c++) {
                if (dist2(s, i, centres[c]) < dist2(s, i, centres[nearest])) {
                    nearest = c;
                }
            }
            counts[nearest]++;
            spread[nearest] += dist2(s, i, centres[nearest]);
        }
        // components 0.3 * sqrt(2) apart at most in scale from centres over 2 apart: nearest-centre labels are exact
        // to ~1e-6; binomial SE of a weight over 20000 draws is at most 0.0035
        assertEquals(0.2, counts[0] / (double) n, 0.015);
        assertEquals(0.5, counts[1] / (double) n, 0.015);
        assertEquals(0.3, counts[2] / (double) n, 0.015);
        for (int c = 0; c < 3; c++) {
            assertEquals(2 * 0.09, spread[c] / counts[c], 0.01, "E||x - m_c||^2 = l s^2 with s = 0.3");
        }
    }

    /** Anchored components: the anchors in the means' bias, their rows of the means' weight zeroed, their std set. */
    @Test
    void anchoringSetsTheAnchoredComponentsAndLeavesTheOthers(NDManager m) {
        int d = 8;
        MixtureEnergyHead head = new MixtureEnergyHead(new MixtureHeadConfig(3, 4, 1.0, 0.3), d, 2);
        head.initialize(m, new Rng(1));
        Map<String, NDArray> before = new LinkedHashMap<>();
        head.stateDict().forEach((name, array) -> before.put(name, array.duplicate()));
        head.anchor(m.create(new float[] {-2, 0.5f}, new Shape(1, 2)), 0.1);
        Map<String, NDArray> after = head.stateDict();
        float[] bias = after.get("means.bias").toFloatArray();
        assertEquals(-2f, bias[0]);
        assertEquals(0.5f, bias[1]);
        float[] weight = after.get("means.weight").toFloatArray(); // [C*l = 6, d]
        float[] weightBefore = before.get("means.weight").toFloatArray();
        for (int i = 0; i < weight.length; i++) {
            assertEquals(i < 2 * d ? 0f : weightBefore[i], weight[i], "means.weight[" + i / d + ", " + i % d + "]");
        }
        float[] scales = after.get("log_scales.bias").toFloatArray();
        assertEquals(Math.log(0.1 / 0.3), scales[0], 1e-6);
        assertEquals(0f, scales[1]);
        assertEquals(0f, scales[2]);
        assertEquals(before.get("logits.weight").toFloatArray()[5], after.get("logits.weight").toFloatArray()[5]);
    }

    /** With every component anchored, every draw lies around an anchor, whatever the context, with the set std. */
    @Test
    void drawsOfAFullyAnchoredHeadSitOnTheAnchors(NDManager m) {
        int d = 8;
        MixtureEnergyHead head = new MixtureEnergyHead(new MixtureHeadConfig(3, 4, 1.0, 0.3), d, 2);
        head.initialize(m, new Rng(1));
        float[][] centres = {{-2, 0}, {1, 1}, {3, -1}};
        head.anchor(m.create(new float[] {-2, 0, 1, 1, 3, -1}, new Shape(3, 2)), 0.1);
        NDArray hidden = new Rng(2).normal(m, new Shape(5, d), 0f, 3f); // 5 unrelated contexts
        int n = 2_000;
        float[] s = head.sample(hidden, n, new Rng(3)).toFloatArray(); // [n, 5, 2]
        double spread = 0;
        for (int i = 0; i < n * 5; i++) {
            double nearest = Double.MAX_VALUE;
            for (float[] c : centres) {
                nearest = Math.min(nearest, dist2(s, i, c));
            }
            spread += nearest;
        }
        // E||x - anchor||^2 = l std^2 = 0.02; over 10,000 draws its SE is about 0.0002
        assertEquals(0.02, spread / (n * 5), 0.001);
    }

    @Test
    void anchorsOfTheWrongShapeOrStdAreRefused(NDManager m) {
        MixtureEnergyHead head = new MixtureEnergyHead(new MixtureHeadConfig(3, 4, 1.0, 0.3), 8, 2);
        head.initialize(m, new Rng(1));
        CalmException tooMany = assertThrows(CalmException.class, () -> head.anchor(m.zeros(new Shape(4, 2)), 0.1));
        assertTrue(tooMany.getMessage().contains("1 <= A <= 3"), tooMany.getMessage());
        assertThrows(CalmException.class, () -> head.anchor(m.zeros(new Shape(2, 3)), 0.1));
        assertThrows(CalmException.class, () -> head.anchor(m.zeros(new Shape(2, 2)), 0));
    }

    /** A CALM anchors its mixture on the autoencoder's posterior means of the given chunks. */
    @Test
    void aCalmAnchorsOnThePosteriorMeansOfItsChunks(NDManager m) {
        Autoencoder ae = new Autoencoder(EnergyFixtures.autoencoderConfig(2));
        ae.initialize(m, new Rng(1));
        Calm calm = new Calm(CalmConfig.tiny(EnergyFixtures.VOCAB, 2, EnergyFixtures.LATENT)
                .withMixtureHead(MixtureHeadConfig.defaults().withComponents(4)), ae);
        calm.initialize(m, new Rng(2));
        int[][] chunks = {{3, 4}, {5, 6}};
        calm.anchorMixture(chunks, 0.5);
        float[] expected = ae.encode(m.create(new int[] {3, 4, 5, 6}, new Shape(2, 2))).mean().toFloatArray();
        float[] bias = calm.stateDict().get("mixture_head.means.bias").toFloatArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], bias[i], 1e-6, "anchor coordinate " + i);
        }
        CalmException wrongLength = assertThrows(CalmException.class, () -> calm.anchorMixture(new int[][] {{1}}, 0.5));
        assertTrue(wrongLength.getMessage().contains("not K = 2"), wrongLength.getMessage());
        CalmException energy = assertThrows(CalmException.class,
                () -> EnergyFixtures.tinyCalm(m, 2).anchorMixture(chunks, 0.5));
        assertTrue(energy.getMessage().contains("mixture head"), energy.getMessage());
    }

    private static double dist2(float[] s, int i, float[] c) {
        double dx = s[2 * i] - c[0];
        double dy = s[2 * i + 1] - c[1];
        return dx * dx + dy * dy;
    }

    @Test
    void theLossIsTheNegativeScoreOfTheMixtureAgainstThePosteriorSamples(NDManager m) {
        MixtureEnergyHead head = new MixtureEnergyHead(MixtureHeadConfig.defaults().withComponents(4), 8, 3);
        head.initialize(m, new Rng(1));
        NDArray hidden = new Rng(2).normal(m, new Shape(5, 8), 0f, 1f);
        Posterior target = new Posterior(new Rng(3).normal(m, new Shape(5, 3), 0f, 1f), m.zeros(new Shape(5, 3)).sub(1));
        TrainingLoss l = head.loss(hidden, target, new Rng(4));
        float diversity = l.metrics().get("energy_diversity").getFloat();
        float fidelity = l.metrics().get("energy_fidelity").getFloat();
        assertEquals(2 * fidelity - diversity, l.loss().getFloat(), 1e-5f);
        assertEquals(Math.log(4), l.metrics().get("mixture_entropy").getFloat(), 0.05, "nearly uniform at init");
        CalmException e = assertThrows(CalmException.class,
                () -> head.loss(hidden, new Posterior(target.mean().get("0:4"), target.logStd().get("0:4")), new Rng(4)));
        assertTrue(e.getMessage().contains("target posterior must be [5, 3]"), e.getMessage());
    }
}
