/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static dev.calm.eval.BrierScore.MAX_N;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Brier-n estimators: hand values, validation, and unbiasedness against exact values from enumerable toy
 * models. Statistical checks use fixed seeds and a tolerance of 4 standard errors (a 6e-5 two-sided chance of
 * failing per check for a correct estimator, were the seeds changed).
 */
class BrierScoreTest {

    private static final double Z = 4;

    @Test
    void manySamplesAreUnbiasedWithALowerVariance() {
        // one position, 4-token outcomes drawn from 3 chunks with P = 0.5, 0.3, 0.2; gold = the second chunk.
        // Brier-4 = 2 * 0.3 - (0.25 + 0.09 + 0.04) = 0.22; the chunks share their first two tokens, so
        // Brier-1 = Brier-2 = 2 - 1 = 1, and Brier-3 = 2 * 0.5 - (0.5^2 + 0.5^2) = 0.5 (token 3 is 5 with
        // probability 0.5).
        long[][] chunks = {{1, 2, 3, 4}, {1, 2, 5, 6}, {1, 2, 5, 7}};
        double[] p = {0.5, 0.3, 0.2};
        long[] y = chunks[1];
        double[] expected = {1, 1, 0.5, 0.22};
        java.util.SplittableRandom random = new java.util.SplittableRandom(8);
        int reps = 20_000;
        for (int s : new int[] {2, 8}) {
            double sum = 0;
            double sq = 0;
            double[] means = new double[4];
            for (int r = 0; r < reps; r++) {
                long[][] xs = new long[s][];
                for (int i = 0; i < s; i++) {
                    double u = random.nextDouble();
                    xs[i] = chunks[u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2];
                }
                double[] b = BrierScore.sampledAll(y, xs);
                for (int n = 0; n < 4; n++) {
                    means[n] += b[n] / reps;
                }
                sum += b[3];
                sq += b[3] * b[3];
            }
            double var = sq / reps - (sum / reps) * (sum / reps);
            for (int n = 0; n < 4; n++) {
                assertEquals(expected[n], means[n], Z * Math.sqrt(var / reps) + 1e-12, "Brier-" + (n + 1) + ", S " + s);
            }
            // per position, Brier-4's variance is 0.7516 with S = 2 (enumerated: 0.22 - 0.22^2 + ...) and 0.144
            // with S = 8 (2e5 simulated draws): five times fewer positions for the same standard error
            if (s == 2) {
                assertEquals(0.7516, var, 0.03);
            } else {
                assertEquals(0.144, var, 0.015);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> BrierScore.sampledAll(y, new long[][] {y}));
    }

    @Test
    void sampledHandValues() {
        long[] y = {1, 2, 3, 4};
        // x1 agrees with y on 2 tokens, x2 on 3; x1 and x2 agree on 2
        assertArrayEquals(new double[] {1, 1, 1, 0}, BrierScore.sampledAll(y, new long[] {1, 2, 0, 0},
                new long[] {1, 2, 3, 0}), 0);
        assertArrayEquals(new double[] {1, 1, 1, 1}, BrierScore.sampledAll(y, y, y), 0); // both right, collide
        assertArrayEquals(new double[] {-1, -1, -1, -1}, BrierScore.sampledAll(y, new long[] {0, 0, 0, 0},
                new long[] {0, 0, 0, 0}), 0); // both wrong, collide
        assertArrayEquals(new double[] {0, 0, 0, 0}, BrierScore.sampledAll(y, new long[] {0, 0, 0, 0},
                new long[] {2, 0, 0, 0}), 0); // both wrong, distinct
        // x1 right, x2 wrong: 1. Two right samples always collide, so the estimate is never 2.
        assertArrayEquals(new double[] {1, 1, 1, 1}, BrierScore.sampledAll(y, new long[] {1, 2, 3, 4},
                new long[] {2, 2, 3, 4}), 0);
        assertEquals(1, BrierScore.sampled(new long[] {7}, new long[] {7, 1}, new long[] {7, 2}, 1), 0);
    }

    @Test
    void sampledWithSeparatePairsTakesAccuracyFromOneAndCollisionFromTheOther() {
        long[] y = {1, 2, 3, 4};
        long[] a1 = {1, 2, 3, 4}; // right on all 4
        long[] a2 = {1, 2, 0, 0}; // right on 2; a1 and a2 agree on 2
        long[] c1 = {1, 2, 3, 9};
        long[] c2 = {1, 2, 3, 4}; // c1 and c2 agree on 3
        // 1{a1 = y} + 1{a2 = y} - 1{c1 = c2}: n=1,2: 1+1-1; n=3: 1+0-1; n=4: 1+0-0. Taking the collision from
        // (a1, a2) instead would give 1 at n = 3, and from (c1, c2)'s accuracy 0 at n = 4.
        assertArrayEquals(new double[] {1, 1, 0, 1}, BrierScore.sampledAll(y, a1, a2, c1, c2), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrierScore.sampledAll(y, a1, new long[] {1, 2, 3}, c1, c2));
        assertTrue(e.getMessage().contains("a2 must hold at least 4 tokens, got 3"), e.getMessage());
    }

    @Test
    void withProbabilitiesHandValues() {
        double[] gold = {0.5, 0.4, 0.25, 0.1};
        double[] collision = {0.3, 0.2, 0.6, Double.NaN}; // collision[3] lies past where the paths part: unread
        long[] x1 = {1, 2, 3};
        long[] x2 = {1, 2, 0};
        // n=1: 2*0.5 - 0.3; n=2: 2*0.2 - 0.2 (x1[:1] = x2[:1]); n=3: 2*0.05 - 0.6 (x1[:2] = x2[:2]);
        // n=4: 2*0.005 - 0 (x1[:3] != x2[:3])
        assertArrayEquals(new double[] {0.7, 0.2, -0.5, 0.01},
                BrierScore.withProbabilitiesAll(gold, x1, x2, collision), 1e-15);
        // n = 1 reads no sampled token at all
        assertEquals(2 * 0.9 - 0.82, BrierScore.withProbabilities(new double[] {0.9}, new long[0], new long[0],
                new double[] {0.82}, 1), 1e-15);
    }

    @Test
    void rejectsBadArguments() {
        long[] four = {0, 1, 2, 3};
        long[] three = {0, 1, 2};
        double[] probs = {0.5, 0.5, 0.5, 0.5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrierScore.sampled(four, three, four, 4));
        assertTrue(e.getMessage().contains("x1 must hold at least 4 tokens, got 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrierScore.sampled(four, four, four, 0));
        assertThrows(IllegalArgumentException.class, () -> BrierScore.sampled(four, four, four, MAX_N + 1));
        assertThrows(IllegalArgumentException.class, () -> BrierScore.sampledAll(three, four, four));
        assertThrows(IllegalArgumentException.class, () -> BrierScore.sampled(null, four, four, 1));
        e = assertThrows(IllegalArgumentException.class,
                () -> BrierScore.withProbabilitiesAll(new double[] {0.5, 0.5, 0.5}, three, three, probs));
        assertTrue(e.getMessage().contains("goldProbabilities"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BrierScore.withProbabilitiesAll(probs, new long[] {0, 1}, three, probs));
        assertThrows(IllegalArgumentException.class,
                () -> BrierScore.withProbabilitiesAll(probs, three, three, new double[] {0.5, 0.5, 0.5}));
        e = assertThrows(IllegalArgumentException.class, () -> BrierScore.withProbabilities(
                new double[] {-0.7}, three, three, probs, 1)); // a log-probability passed by mistake
        assertTrue(e.getMessage().contains("goldProbabilities[0] must be a probability"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BrierScore.withProbabilities(
                new double[] {Double.NaN}, three, three, probs, 1));
        assertThrows(IllegalArgumentException.class, () -> BrierScore.withProbabilities(
                probs, three, three, new double[] {1.5}, 1));
    }

    /** Categorical data P over five outcomes; x1, x2 ~ Q: the sampled estimator averages to the exact Brier. */
    @Test
    void sampledEstimatorIsUnbiasedOnACategorical() {
        double[] p = {0.4, 0.25, 0.15, 0.12, 0.08};
        double[] distorted = {0.1, 0.4, 0.2, 0.2, 0.1};
        // exact: Q = P: sum P^2 = 0.2658; distorted: 2 * 0.202 - 0.26 = 0.144
        assertCategoricalUnbiased(p, p, 0.2658, 11);
        assertCategoricalUnbiased(p, distorted, 0.144, 12);
    }

    private static void assertCategoricalUnbiased(double[] p, double[] q, double exact, long seed) {
        double expected = 0;
        for (int x = 0; x < p.length; x++) {
            expected += 2 * p[x] * q[x] - q[x] * q[x];
        }
        assertEquals(exact, expected, 1e-12);
        SplittableRandom r = new SplittableRandom(seed);
        RunningMean mean = new RunningMean();
        for (int i = 0; i < 20_000; i++) {
            long[] y = {draw(p, r)};
            mean.add(BrierScore.sampled(y, new long[] {draw(q, r)}, new long[] {draw(q, r)}, 1));
        }
        assertEquals(exact, mean.mean(), Z * mean.standardError(), "exact " + exact + ", estimated " + mean);
    }

    private static int draw(double[] p, SplittableRandom r) {
        double u = r.nextDouble();
        int x = 0;
        while (x < p.length - 1 && (u -= p[x]) >= 0) {
            x++;
        }
        return x;
    }

    /**
     * Bigram data and model over four symbols: for each n, both estimators average to the exact Brier-n (all
     * 4^n n-grams enumerated), agree with each other, and the probability estimator is less noisy.
     */
    @Test
    void bothEstimatorsAreUnbiasedOnABigramAndAgree() {
        SplittableRandom r = new SplittableRandom(2026);
        ToyBigram data = ToyBigram.random(r, 4, 1.5);
        ToyBigram model = ToyBigram.random(r, 4, 1.0).mixedWithUniform(0.2);
        model = ToyBigram.mixture(data, model, 0.5); // a model related to the data, so that Brier-4 is clearly positive
        int context = 1;
        RunningMean[] sampled = new RunningMean[MAX_N];
        RunningMean[] withProbabilities = new RunningMean[MAX_N];
        RunningMean[] difference = new RunningMean[MAX_N];
        for (int n = 0; n < MAX_N; n++) {
            sampled[n] = new RunningMean();
            withProbabilities[n] = new RunningMean();
            difference[n] = new RunningMean();
        }
        for (int i = 0; i < 40_000; i++) {
            ToyBigram.Position pos = ToyBigram.position(data, model, context, r);
            for (int n = 0; n < MAX_N; n++) {
                sampled[n].add(pos.sampled()[n]);
                withProbabilities[n].add(pos.withProbabilities()[n]);
                difference[n].add(pos.sampled()[n] - pos.withProbabilities()[n]);
            }
        }
        for (int n = 1; n <= MAX_N; n++) {
            double exact = ToyBigram.exactBrier(data, model, context, n);
            RunningMean s = sampled[n - 1];
            RunningMean w = withProbabilities[n - 1];
            RunningMean d = difference[n - 1];
            String where = "Brier-" + n + ": exact " + exact + ", sampled " + s + ", with probabilities " + w;
            assertEquals(exact, s.mean(), Z * s.standardError(), where);
            assertEquals(exact, w.mean(), Z * w.standardError(), where);
            // the two estimates share y, x1 and x2, so the paired difference has the honest standard error;
            // it is below the combined sqrt(SE_s^2 + SE_w^2) since the estimates correlate positively
            double combined = Math.hypot(s.standardError(), w.standardError());
            assertTrue(d.standardError() <= combined, where);
            assertEquals(0, d.mean(), Z * d.standardError(), where + ", difference " + d);
        }
        // Rao-Blackwell: for n = 1 the probability estimate 2 Q(y) - sum_x Q(x)^2 is the conditional expectation
        // of the sampled estimate given y, so its variance is smaller by E[Var(sampled | y)] > 0 (law of total
        // variance). Here the gap is a factor of several, far beyond the sampling noise of the two variances.
        double ratio = withProbabilities[0].variance() / sampled[0].variance();
        assertTrue(ratio < 0.5, "variance ratio (with probabilities / sampled) for Brier-1: " + ratio);
    }

    /**
     * Beyond one seed: over 200 independently seeded data/model pairs (random context, 2,000 positions each),
     * the z-scores (estimate - exact) / SE of both estimators average to 0 (within 4 / sqrt(200) = 0.28) and
     * have standard deviation 1 (within 0.8..1.2): no bias, and honest standard errors.
     */
    @Test
    void estimatorsAreCalibratedAcrossManySeededModels() {
        RunningMean[] zSampled = new RunningMean[MAX_N];
        RunningMean[] zWithProbabilities = new RunningMean[MAX_N];
        for (int n = 0; n < MAX_N; n++) {
            zSampled[n] = new RunningMean();
            zWithProbabilities[n] = new RunningMean();
        }
        for (int replicate = 0; replicate < 200; replicate++) {
            SplittableRandom r = new SplittableRandom(10_000 + replicate);
            ToyBigram data = ToyBigram.random(r, 4, 1.5);
            ToyBigram model = ToyBigram.mixture(data, ToyBigram.random(r, 4, 1.0), 0.5);
            int context = r.nextInt(4);
            RunningMean[] sampled = new RunningMean[MAX_N];
            RunningMean[] withProbabilities = new RunningMean[MAX_N];
            for (int n = 0; n < MAX_N; n++) {
                sampled[n] = new RunningMean();
                withProbabilities[n] = new RunningMean();
            }
            for (int i = 0; i < 2000; i++) {
                ToyBigram.Position pos = ToyBigram.position(data, model, context, r);
                for (int n = 0; n < MAX_N; n++) {
                    sampled[n].add(pos.sampled()[n]);
                    withProbabilities[n].add(pos.withProbabilities()[n]);
                }
            }
            for (int n = 0; n < MAX_N; n++) {
                double exact = ToyBigram.exactBrier(data, model, context, n + 1);
                zSampled[n].add((sampled[n].mean() - exact) / sampled[n].standardError());
                zWithProbabilities[n].add((withProbabilities[n].mean() - exact) / withProbabilities[n].standardError());
            }
        }
        for (int n = 0; n < MAX_N; n++) {
            for (RunningMean z : new RunningMean[] {zSampled[n], zWithProbabilities[n]}) {
                String where = "Brier-" + (n + 1) + " z-scores: sampled " + zSampled[n] + " (sd "
                        + Math.sqrt(zSampled[n].variance()) + "), with probabilities " + zWithProbabilities[n]
                        + " (sd " + Math.sqrt(zWithProbabilities[n].variance()) + ")";
                assertEquals(0, z.mean(), Z / Math.sqrt(z.count()), where);
                assertEquals(1, Math.sqrt(z.variance()), 0.2, where);
            }
        }
    }

    @Test
    void accuracyTermsAreTheShareOfSamplesThatHitAndTheGoldProbabilities() {
        long[] y = {1, 2, 3, 4};
        long[][] samples = {{1, 2, 3, 4}, {1, 2, 9, 4}, {1, 7, 3, 4}, {5, 2, 3, 4}};
        // n = 1: 3 of 4 start with 1; n = 2: 2 of 4 start with 1 2; n = 3, 4: only the first
        assertArrayEquals(new double[] {0.75, 0.5, 0.25, 0.25}, BrierScore.accuracyAll(y, samples), 0);
        // Brier-n = 2 accuracy - collision: collisions of the 6 pairs at n = 1: three samples start with 1 (3 pairs)
        double[] brier = BrierScore.sampledAll(y, samples);
        assertEquals(2 * 0.75 - 3.0 / 6, brier[0], 1e-15);
        assertArrayEquals(new double[] {0.5, 0.2, 0.05, 0.005},
                BrierScore.accuracyWithProbabilitiesAll(new double[] {0.5, 0.4, 0.25, 0.1}), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> BrierScore.accuracyAll(y));
        assertThrows(IllegalArgumentException.class, () -> BrierScore.accuracyAll(y, new long[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> BrierScore.accuracyWithProbabilitiesAll(new double[] {0.5, 1.5, 0.1, 0.1}));
    }
}
