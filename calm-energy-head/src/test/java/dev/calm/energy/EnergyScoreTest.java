/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.experiment.CalmExperiment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The energy-score estimator: hand-computed values, the Gram-matrix distances against direct differences,
 * unbiasedness against closed forms, strict propriety, errors, and the gradient at identical samples.
 */
@CalmExperiment
class EnergyScoreTest {

    /** Positions of the statistical tests: each is one independent estimate. */
    private static final int P = 2000;
    /** Model and target samples per position in the statistical tests (the paper's N and M). */
    private static final int N = 8;
    private static final int M = 100;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /** Points of the plane (l = 2) as [count, 1, 2]. */
    private NDArray points(float... xy) {
        return manager.create(xy, new Shape(xy.length / 2, 1, 2));
    }

    @Test
    void handComputedThreeFourFive() {
        // x = {(0,0), (3,4)}, y = {(0,0)}, beta 1:
        //   diversity = (|x0-x1| + |x1-x0|) / (2*1) = (5 + 5) / 2 = 5
        //   fidelity  = (|x0-y| + |x1-y|) / (2*1) = (0 + 5) / 2 = 2.5
        //   score = 5 - 2 * 2.5 = 0, loss = -score = 0.
        // |x0 - y| = 0 is clamped at sqrt(1e-10) = 1e-5, so fidelity is 2.500005: tolerance 1e-4.
        EnergyScore.Terms t = EnergyScore.estimate(points(0, 0, 3, 4), points(0, 0), 1.0);
        assertEquals(new Shape(1), t.diversity().getShape());
        assertEquals(5f, t.diversity().getFloat(0), 1e-4f);
        assertEquals(2.5f, t.fidelity().getFloat(0), 1e-4f);
        assertEquals(0f, t.score().getFloat(0), 1e-4f);
        assertEquals(new Shape(), t.loss().getShape());
        assertEquals(0f, t.loss().getFloat(), 1e-4f);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.5})
    void handComputedOtherExponents(double beta) {
        // x = {(0,0), (3,4), (6,8)} (N = 3), y = {(3,0), (0,4)} (M = 2).
        // Pairwise model distances: |x0-x1| = 5, |x1-x2| = 5, |x0-x2| = 10, each counted twice over i != j:
        //   diversity = 2 (5^b + 5^b + 10^b) / (3*2) = (2*5^b + 10^b) / 3
        // Model-target distances: x0: 3, 4; x1: |(0,4)| = 4, |(3,0)| = 3; x2: |(3,8)| = sqrt 73, |(6,4)| = sqrt 52:
        //   fidelity = (2*3^b + 2*4^b + 73^(b/2) + 52^(b/2)) / (3*2)
        // beta 0.5: diversity = (2*2.2360680 + 3.1622777)/3 = 2.5448045
        //           fidelity  = (2*1.7320508 + 2*2 + 2.9230128 + 2.6853496)/6 = 2.1787440, score = -1.8126835
        // beta 1.5: diversity = (2*11.1803399 + 31.6227766)/3 = 17.9944855
        //           fidelity  = (2*5.1961524 + 2*8 + 24.9742322 + 19.3643315)/6 = 11.7884781, score = -5.5824707
        double[][] expected = beta == 0.5
                ? new double[][] {{2.5448045, 2.1787440, -1.8126835}}
                : new double[][] {{17.9944855, 11.7884781, -5.5824707}};
        double diversity = (2 * Math.pow(5, beta) + Math.pow(10, beta)) / 3;
        double fidelity = (2 * Math.pow(3, beta) + 2 * Math.pow(4, beta) + Math.pow(73, beta / 2)
                + Math.pow(52, beta / 2)) / 6;
        assertEquals(expected[0][0], diversity, 1e-6);
        assertEquals(expected[0][1], fidelity, 1e-6);
        assertEquals(expected[0][2], diversity - 2 * fidelity, 1e-6);

        EnergyScore.Terms t = EnergyScore.estimate(points(0, 0, 3, 4, 6, 8), points(3, 0, 0, 4), beta);
        // float32 with squared distances up to 100: relative 1e-6
        assertEquals(expected[0][0], t.diversity().getFloat(0), 2e-5 * expected[0][0]);
        assertEquals(expected[0][1], t.fidelity().getFloat(0), 2e-5 * expected[0][1]);
        assertEquals(expected[0][2], t.score().getFloat(0), 2e-5 * expected[0][0]);
        assertEquals(-expected[0][2], t.loss().getFloat(), 2e-5 * expected[0][0]);
    }

    @Test
    void positionsAreKeptSeparate() {
        // P = 2, N = 2, M = 1, beta 1. [N, P, l] layout: sample-major.
        // position 0: x = {(0,0), (3,4)}, y = (0,0): diversity 5, fidelity 2.5, score 0 (as above)
        // position 1: x = {(0,0), (0,1)}, y = (0,3): diversity 1, fidelity (3 + 2)/2 = 2.5, score 1 - 5 = -4
        // loss = mean(-score) = (0 + 4) / 2 = 2
        NDArray x = manager.create(new float[] {0, 0, 0, 0, 3, 4, 0, 1}, new Shape(2, 2, 2));
        NDArray y = manager.create(new float[] {0, 0, 0, 3}, new Shape(1, 2, 2));
        EnergyScore.Terms t = EnergyScore.estimate(x, y, 1.0);
        assertArrayEquals(new float[] {5f, 1f}, t.diversity().toFloatArray(), 1e-4f);
        assertArrayEquals(new float[] {2.5f, 2.5f}, t.fidelity().toFloatArray(), 1e-4f);
        assertArrayEquals(new float[] {0f, -4f}, t.score().toFloatArray(), 1e-4f);
        assertEquals(2f, t.loss().getFloat(), 1e-4f);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.0, 1.5})
    void gramDistancesAgreeWithDirectDifferences(double beta) {
        int n = 8;
        int m = 10;
        int p = 5;
        int l = 16;
        Rng rng = new Rng(11);
        NDArray x = rng.normal(manager, new Shape(n, p, l), 0f, 1f);
        NDArray y = rng.normal(manager, new Shape(m, p, l), 0.3f, 1.5f);
        EnergyScore.Terms t = EnergyScore.estimate(x, y, beta);
        float[] xs = x.toFloatArray();
        float[] ys = y.toFloatArray();
        for (int pos = 0; pos < p; pos++) {
            double diversity = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (i != j) {
                        diversity += Math.pow(distance(xs, i, xs, j, pos, p, l), beta);
                    }
                }
            }
            diversity /= n * (n - 1.0);
            double fidelity = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    fidelity += Math.pow(distance(xs, i, ys, j, pos, p, l), beta);
                }
            }
            fidelity /= (double) n * m;
            // float32 Gram form: ||a||^2 + ||b||^2 - 2ab with terms ~ 16-50 and distances^2 ~ 32-60 loses a few
            // ulps (1e-7 relative each); 1e-5 relative leaves a wide margin.
            assertEquals(diversity, t.diversity().getFloat(pos), 1e-5 * diversity, "diversity at " + pos);
            assertEquals(fidelity, t.fidelity().getFloat(pos), 1e-5 * fidelity, "fidelity at " + pos);
        }
    }

    /** Euclidean distance in double between sample i of a and sample j of b at one position ([S, P, l] layout). */
    private static double distance(float[] a, int i, float[] b, int j, int pos, int p, int l) {
        double sum = 0;
        for (int k = 0; k < l; k++) {
            double d = (double) a[(i * p + pos) * l + k] - b[(j * p + pos) * l + k];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.0, 1.5})
    void unbiasedWhenModelAndTargetsShareTheDistribution(double beta) {
        // X, X', Y ~ N(mu, s^2 I_l): X - X' = sqrt(2) s Z with Z ~ N(0, I_l), and E||Z||^b = 2^(b/2)
        // Gamma((l+b)/2) / Gamma(l/2), so c = E||X-X'||^b = (2s)^b Gamma((l+b)/2) / Gamma(l/2) (for b = 1 the
        // familiar 2 s Gamma((l+1)/2) / Gamma(l/2)). E||X-Y||^b = c too, so E[diversity] = E[fidelity] = c and
        // E[S] = c - 2c = -c. P = 2000 independent positions; each mean must be within 4 standard errors (the
        // sample standard deviation over positions / sqrt(P)) of its closed form: a false failure has odds ~6e-5.
        int l = 4;
        float mu = 1.5f;
        float s = 0.7f;
        double c = Math.pow(2 * s, beta) * Math.exp(lnGamma((l + beta) / 2) - lnGamma(l / 2.0));
        Rng rng = new Rng(2026);
        NDArray x = rng.normal(manager, new Shape(N, P, l), mu, s);
        NDArray y = rng.normal(manager, new Shape(M, P, l), mu, s);
        EnergyScore.Terms t = EnergyScore.estimate(x, y, beta);
        assertWithinStandardErrors(c, t.diversity().toFloatArray(), 4, "diversity");
        assertWithinStandardErrors(c, t.fidelity().toFloatArray(), 4, "fidelity");
        assertWithinStandardErrors(-c, t.score().toFloatArray(), 4, "score");
    }

    @Test
    void unbiasedWithDifferentMeansAgainstMonteCarlo() {
        // beta 1, l 4, X ~ N(0.5 * 1, I), Y ~ N(0, I). E||X-X'|| = 2 Gamma(5/2) / Gamma(2) = 1.5 sqrt(pi) =
        // 2.6586807. E||X-Y|| (a scaled noncentral chi mean) comes from 1e6 double-precision draws of
        // X - Y ~ N(0.5 * 1, 2 I), whose own standard error (~0.0012) is added in quadrature.
        int l = 4;
        double c = 2 * Math.exp(lnGamma(2.5) - lnGamma(2));
        assertEquals(1.5 * Math.sqrt(Math.PI), c, 1e-12);
        SplittableRandom java = new SplittableRandom(42);
        int draws = 1_000_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < draws; i++) {
            double sq = 0;
            for (int k = 0; k < l; k++) {
                double d = 0.5 + Math.sqrt(2) * java.nextGaussian();
                sq += d * d;
            }
            double norm = Math.sqrt(sq);
            sum += norm;
            sumSq += norm * norm;
        }
        double cross = sum / draws;
        double crossSe = Math.sqrt((sumSq / draws - cross * cross) / draws);
        // second moment as a check on the reference: E||X-Y||^2 = |delta|^2 + 2 l = 1 + 8 = 9
        assertEquals(9.0, sumSq / draws, 0.03);

        Rng rng = new Rng(7);
        NDArray x = rng.normal(manager, new Shape(N, P, l), 0.5f, 1f);
        NDArray y = rng.normal(manager, new Shape(M, P, l), 0f, 1f);
        EnergyScore.Terms t = EnergyScore.estimate(x, y, 1.0);
        assertWithinStandardErrors(c, t.diversity().toFloatArray(), 4, "diversity");
        float[] fidelity = t.fidelity().toFloatArray();
        double se = Math.hypot(standardError(fidelity), crossSe);
        assertEquals(cross, mean(fidelity), 4 * se, "fidelity");
        float[] score = t.score().toFloatArray();
        assertEquals(c - 2 * cross, mean(score), 4 * Math.hypot(standardError(score), 2 * crossSe), "score");
        assertTrue(c - 2 * cross < -c, "a shifted model scores below the true distribution's -c");
    }

    @Test
    void theTrueDistributionScoresHighest() {
        // Targets Y ~ N(0, I_4). Candidates: the truth N(0, I), and N(0.5, I), N(0, 2I), N(0, 0.5I). The
        // expected score is the negated energy distance to the truth plus a constant, so the truth is strictly
        // best. Differences are paired per position (same targets); each must exceed 4 standard errors of the
        // paired difference (measured: about 45, 15 and 15 standard errors).
        int l = 4;
        Rng rng = new Rng(99);
        NDArray y = rng.normal(manager, new Shape(M, P, l), 0f, 1f);
        float[] truth = EnergyScore.estimate(rng.normal(manager, new Shape(N, P, l), 0f, 1f), y, 1.0)
                .score().toFloatArray();
        float[][] others = {
            EnergyScore.estimate(rng.normal(manager, new Shape(N, P, l), 0.5f, 1f), y, 1.0).score().toFloatArray(),
            EnergyScore.estimate(rng.normal(manager, new Shape(N, P, l), 0f, (float) Math.sqrt(2)), y, 1.0)
                    .score().toFloatArray(),
            EnergyScore.estimate(rng.normal(manager, new Shape(N, P, l), 0f, (float) Math.sqrt(0.5)), y, 1.0)
                    .score().toFloatArray()
        };
        String[] names = {"N(0.5, I)", "N(0, 2I)", "N(0, 0.5I)"};
        for (int k = 0; k < others.length; k++) {
            float[] diff = new float[P];
            for (int i = 0; i < P; i++) {
                diff[i] = truth[i] - others[k][i];
            }
            assertTrue(mean(diff) > 4 * standardError(diff),
                    "N(0, I) should beat " + names[k] + ": mean difference " + mean(diff) + ", SE "
                            + standardError(diff));
        }
    }

    @Test
    void badInputsGetClearErrors() {
        NDArray x = manager.zeros(new Shape(4, 3, 5));
        NDArray y = manager.zeros(new Shape(6, 3, 5));
        CalmException e = assertThrows(CalmException.class,
                () -> EnergyScore.estimate(manager.zeros(new Shape(4, 15)), y, 1.0));
        assertTrue(e.getMessage().contains("[N, P, l]") && e.getMessage().contains("(4, 15)"), e.getMessage());
        e = assertThrows(CalmException.class, () -> EnergyScore.estimate(x, manager.zeros(new Shape(6, 2, 5)), 1.0));
        assertTrue(e.getMessage().contains("(6, 2, 5)"), e.getMessage());
        e = assertThrows(CalmException.class, () -> EnergyScore.estimate(x, manager.zeros(new Shape(6, 3, 4)), 1.0));
        assertTrue(e.getMessage().contains("(6, 3, 4)"), e.getMessage());
        e = assertThrows(CalmException.class, () -> EnergyScore.estimate(manager.zeros(new Shape(1, 3, 5)), y, 1.0));
        assertTrue(e.getMessage().contains("at least 2 model samples") && e.getMessage().contains("got 1"),
                e.getMessage());
        for (double beta : new double[] {0, 2, -1, 2.5, Double.NaN}) {
            e = assertThrows(CalmException.class, () -> EnergyScore.estimate(x, y, beta));
            assertTrue(e.getMessage().contains("beta must be in (0, 2)"), e.getMessage());
        }
    }

    @Test
    void gradientsAreFiniteAtIdenticalSamplesAndMatchTheHandDerivation() {
        // 1) x0 = x1 = (1, 2), y = (0, 0), beta 1: the diversity pair is clamped (gradient 0), so
        //    loss = 2 * (|x0 - y| + |x1 - y|) / 2 - 0 and d loss / d x_i = (x_i - y) / |x_i - y| = (1, 2) / sqrt 5.
        // 2) the same with 16-dimensional random identical samples, where the Gram form leaves rounding noise
        //    instead of an exact 0: the gradient must still be finite and within the true bound 4/N = 2 per sample.
        // 3) distinct samples x0 = (0,0), x1 = (3,4), y = (0,4): loss = |x0-y| + |x1-y| - |x0-x1|, so
        //    d/dx0 = u(x0-y) - u(x0-x1) = (0,-1) - (-0.6,-0.8) = (0.6, -0.2) and
        //    d/dx1 = u(x1-y) - u(x1-x0) = (1, 0) - (0.6, 0.8) = (0.4, -0.8).
        float inv = (float) (1 / Math.sqrt(5));
        assertArrayEquals(new float[] {inv, 2 * inv, inv, 2 * inv}, gradient(points(1, 2, 1, 2), points(0, 0)), 1e-5f);

        NDArray one = new Rng(3).normal(manager, new Shape(1, 1, 16), 0.7f, 1f);
        NDArray twins = one.concat(one, 0); // [2, 1, 16]
        float[] g = gradient(twins, new Rng(4).normal(manager, new Shape(5, 1, 16), 0f, 1f));
        for (int i = 0; i < 2; i++) {
            double norm = 0;
            for (int k = 0; k < 16; k++) {
                assertTrue(Float.isFinite(g[i * 16 + k]), "gradient element " + k + " of sample " + i);
                norm += g[i * 16 + k] * g[i * 16 + k];
            }
            assertTrue(Math.sqrt(norm) <= 2 + 1e-4, "gradient norm " + Math.sqrt(norm) + " of sample " + i);
        }

        assertArrayEquals(new float[] {0.6f, -0.2f, 0.4f, -0.8f}, gradient(points(0, 0, 3, 4), points(0, 4)), 1e-5f);
    }

    /** d loss / d x at beta 1, flattened. */
    private float[] gradient(NDArray x, NDArray y) {
        x.setRequiresGradient(true);
        try (GradientCollector gc = Backend.engine().newGradientCollector()) {
            gc.backward(EnergyScore.estimate(x, y, 1.0).loss());
        }
        return x.getGradient().toFloatArray();
    }

    private static void assertWithinStandardErrors(double expected, float[] values, double k, String what) {
        double se = standardError(values);
        assertEquals(expected, mean(values), k * se, what + " (SE " + se + ")");
    }

    static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }

    static double standardError(float[] v) {
        double m = mean(v);
        double ss = 0;
        for (float f : v) {
            ss += (f - m) * (f - m);
        }
        return Math.sqrt(ss / (v.length - 1) / v.length);
    }

    /**
     * ln Gamma(z) for z > 0: shifted to z >= 10 by Gamma(z) = Gamma(z+1)/z, then Stirling's series to the z^-7
     * term (truncation error below 1e-12 there).
     */
    static double lnGamma(double z) {
        double shift = 0;
        while (z < 10) {
            shift -= Math.log(z);
            z += 1;
        }
        double z2 = z * z;
        double series = 1 / (12 * z) - 1 / (360 * z * z2) + 1 / (1260 * z * z2 * z2) - 1 / (1680 * z * z2 * z2 * z2);
        return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series;
    }

    @Test
    void lnGammaMatchesKnownValues() {
        assertEquals(0, lnGamma(1), 1e-12);
        assertEquals(0.5 * Math.log(Math.PI), lnGamma(0.5), 1e-12);
        assertEquals(Math.log(24), lnGamma(5), 1e-12);
        assertEquals(Math.log(0.75 * Math.sqrt(Math.PI)), lnGamma(2.5), 1e-12);
    }
}
