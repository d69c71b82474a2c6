/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static dev.calm.eval.BrierScore.MAX_N;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The BrierLM aggregate: hand-computed means, standard errors and BrierLM, the undefined case, merging, the
 * delta-method standard error against a simulation, and propriety on toy bigram models (fixed seeds).
 */
class BrierLMTest {

    private static final double Z = 4;

    @Test
    void handComputedMeansStandardErrorsAndDeltaMethod() {
        BrierLM agg = new BrierLM();
        agg.add(new double[] {1, 0.5, 0.25, 0});
        agg.add(new double[] {2, 0.5, 0.75, 0});
        agg.add(new double[] {3, 0.5, 0.5, 0.3});
        BrierLM.Result r = agg.result();
        // means 2, 0.5, 0.5, 0.1; variances 1, 0, 0.0625, 0.03 (squared deviations 2, 0, 0.125, 0.06 over 2)
        assertEquals(3, r.positions());
        assertArrayEquals(new double[] {2, 0.5, 0.5, 0.1}, r.brier(), 1e-15);
        assertArrayEquals(new double[] {Math.sqrt(1.0 / 3), 0, Math.sqrt(0.0625 / 3), 0.1}, r.standardError(),
                1e-15);
        double brierLM = 100 * Math.pow(2 * 0.5 * 0.5 * 0.1, 0.25); // 100 * 0.05^(1/4) = 47.2871...
        assertEquals(brierLM, r.brierLM(), 1e-12);
        // covariances: (1,3) = (-1 * -0.25 + 0 + 0) / 2 = 0.125; (1,4) = (0.1 + 0 + 0.2) / 2 = 0.15;
        // (3,4) = (0.025 - 0.025 + 0) / 2 = 0; Brier-2 is constant.
        // sum_ab Sigma_ab / (m_a m_b) = 1/4 + 0.0625/0.25 + 0.03/0.01 + 2 * 0.125/1 + 2 * 0.15/0.2 = 5.25;
        // SE = BrierLM / 4 * sqrt(5.25 / 3)
        assertEquals(brierLM / 4 * Math.sqrt(1.75), r.brierLMStandardError(), 1e-12);
        assertTrue(r.defined());
    }

    @Test
    void deltaMethodUsesTheCrossCovariances() {
        // every position is s * c with c fixed: BrierLM = 100 s (prod c)^(1/4) is linear in the mean of s, so its
        // exact standard error is BrierLM * SE(s) / mean(s) = BrierLM * 0.5 for s in {0.5, 1.5}. Dropping the
        // cross terms would give half that.
        double[] c = {0.5, 0.25, 0.125, 0.0625};
        BrierLM agg = new BrierLM();
        for (double s : new double[] {0.5, 1.5}) {
            agg.add(new double[] {s * c[0], s * c[1], s * c[2], s * c[3]});
        }
        BrierLM.Result r = agg.result();
        assertEquals(BrierLM.brierLM(c), r.brierLM(), 1e-12);
        assertEquals(BrierLM.brierLM(c) * 0.5, r.brierLMStandardError(), 1e-12);
    }

    @Test
    void brierLMFormula() {
        // 0.5 * 0.25 * 0.125 * 0.0625 = 2^-10 = 0.5^4 * 2^-6; its fourth root is 2^-2.5, so BrierLM = 100 * 2^-2.5
        // = 25 / sqrt(2) = 17.677669529663689
        assertEquals(25 / Math.sqrt(2), BrierLM.brierLM(new double[] {0.5, 0.25, 0.125, 0.0625}), 1e-13);
        assertEquals(100, BrierLM.brierLM(new double[] {1, 1, 1, 1}), 0);
        assertTrue(Double.isNaN(BrierLM.brierLM(new double[] {0.5, 0.25, 0.125, 0})));
        assertTrue(Double.isNaN(BrierLM.brierLM(new double[] {0.5, -0.25, -0.125, 0.0625}))); // positive product
        assertTrue(Double.isNaN(BrierLM.brierLM(new double[] {0.5, 0.25, Double.NaN, 0.0625})));
        assertThrows(IllegalArgumentException.class, () -> BrierLM.brierLM(new double[] {0.5, 0.25, 0.125}));
    }

    @Test
    void undefinedWhenAMeanIsNotPositiveAndSaysWhich() {
        BrierLM agg = new BrierLM();
        agg.add(new double[] {0.3, 0.1, 0.05, -0.00062});
        agg.add(new double[] {0.3, 0.1, 0.05, 0});
        BrierLM.Result r = agg.result();
        assertFalse(r.defined());
        assertTrue(Double.isNaN(r.brierLM()));
        assertTrue(Double.isNaN(r.brierLMStandardError()));
        assertEquals(-0.00031, r.brier()[3], 1e-18); // the mean itself is reported, never clipped
        assertTrue(r.describe().contains("BrierLM undefined (Brier-4 = -0.00031 <= 0)"), r.describe());

        BrierLM two = new BrierLM();
        two.add(new double[] {0.3, 0.1, 0, -0.002});
        assertTrue(two.result().describe().contains("undefined (Brier-3 = 0 <= 0, Brier-4 = -0.002 <= 0)"),
                two.result().describe());
        assertTrue(new BrierLM().result().describe().contains("BrierLM undefined (no positions)"));
        assertEquals(0, new BrierLM().result().positions());
    }

    @Test
    void describeLine() {
        BrierLM agg = new BrierLM();
        agg.add(new double[] {0.3, 0.1, 0.05, 0.02});
        agg.add(new double[] {0.2, 0.1, 0.03, 0.02});
        // means 0.25, 0.1, 0.04, 0.02; SEs 0.05, 0, 0.01, 0; BrierLM 100 * (2e-5)^(1/4) = 6.687; variances 0.005
        // and 0.0002, covariance(1,3) 0.001: SE = 6.687 / 4 * sqrt((0.08 + 0.125 + 2 * 0.1) / 2) = 6.687 * 0.1125
        assertEquals("Brier-1 0.2500 ± 0.0500, Brier-2 0.1000 ± 0.0000, Brier-3 0.0400 ± 0.0100, "
                + "Brier-4 0.0200 ± 0.0000, BrierLM 6.69 ± 0.75 (2 positions)", agg.toString());
    }

    @Test
    void rejectsBadPositionsAndResultsAreImmutable() {
        BrierLM agg = new BrierLM();
        assertThrows(IllegalArgumentException.class, () -> agg.add(new double[] {0.1, 0.1, 0.1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> agg.add(new double[] {0.1, 0.1, Double.POSITIVE_INFINITY, 0.1}));
        assertTrue(e.getMessage().contains("Brier-3"), e.getMessage());
        assertEquals(0, agg.positions()); // a rejected position adds nothing

        double[] brier = {0.4, 0.3, 0.2, 0.1};
        double[] se = {0.01, 0.01, 0.01, 0.01};
        BrierLM.Result r = new BrierLM.Result(10, brier, se, BrierLM.brierLM(brier), 0.5);
        brier[0] = 99;
        r.brier()[1] = 99;
        r.standardError()[2] = 99;
        assertArrayEquals(new double[] {0.4, 0.3, 0.2, 0.1}, r.brier(), 0);
        assertArrayEquals(new double[] {0.01, 0.01, 0.01, 0.01}, r.standardError(), 0);
        assertEquals(new BrierLM.Result(10, r.brier(), se, r.brierLM(), 0.5), r);
    }

    @Test
    void mergeEqualsAddingEverything() {
        SplittableRandom r = new SplittableRandom(5);
        ToyBigram data = ToyBigram.random(r, 4, 1.5);
        ToyBigram model = data.tempered(0.8);
        BrierLM whole = new BrierLM();
        BrierLM[] parts = {new BrierLM(), new BrierLM(), new BrierLM()};
        for (int i = 0; i < 3000; i++) {
            double[] b = ToyBigram.position(data, model, r.nextInt(4), r).sampled();
            whole.add(b);
            parts[i < 700 ? 0 : 2].add(b); // parts[1] stays empty
        }
        BrierLM merged = new BrierLM();
        for (BrierLM part : parts) {
            merged.merge(part);
        }
        BrierLM.Result expected = whole.result();
        BrierLM.Result actual = merged.result();
        assertTrue(expected.defined());
        assertEquals(expected.positions(), actual.positions());
        assertArrayEquals(expected.brier(), actual.brier(), 1e-12);
        assertArrayEquals(expected.standardError(), actual.standardError(), 1e-12);
        assertEquals(expected.brierLM(), actual.brierLM(), 1e-10);
        assertEquals(expected.brierLMStandardError(), actual.brierLMStandardError(), 1e-10);
    }

    /**
     * The delta-method standard error matches the spread of BrierLM over 400 independent replicate corpora of
     * 2,000 positions each (sampled estimator, a random context per position), within 20%. The replicate
     * standard deviation itself is known to about 1 / sqrt(2 * 400) = 3.5%, the delta method's linearization
     * error at this size is smaller still.
     */
    @Test
    void deltaMethodStandardErrorMatchesReplicateCorpora() {
        SplittableRandom r = new SplittableRandom(77);
        ToyBigram data = ToyBigram.random(r, 4, 2.0);
        ToyBigram model = data.mixedWithUniform(0.1);
        RunningMean replicates = new RunningMean();
        RunningMean squaredStandardErrors = new RunningMean();
        for (int corpus = 0; corpus < 400; corpus++) {
            BrierLM agg = new BrierLM();
            for (int i = 0; i < 2000; i++) {
                agg.add(ToyBigram.position(data, model, r.nextInt(4), r).sampled());
            }
            BrierLM.Result result = agg.result();
            assertTrue(result.defined(), result.describe());
            replicates.add(result.brierLM());
            squaredStandardErrors.add(result.brierLMStandardError() * result.brierLMStandardError());
        }
        double simulated = Math.sqrt(replicates.variance());
        double deltaMethod = Math.sqrt(squaredStandardErrors.mean());
        assertEquals(1, deltaMethod / simulated, 0.2,
                "delta-method SE " + deltaMethod + ", replicate std " + simulated + ", BrierLM " + replicates);
    }

    /**
     * Brier-n is a proper score: a model equal to the data distribution scores higher Brier-n (each n) and
     * BrierLM than a sharpened or a uniform-mixed one, by more than 4 combined standard errors, with either
     * estimator. Exact values averaged over the four contexts (all n-grams enumerated): data model Brier-1..4
     * 0.5054, 0.2199, 0.0920, 0.0383, BrierLM 14.07; cubed and renormalized rows 0.4614, 0.1690, 0.0490,
     * 0.0029, BrierLM 5.79; half uniform 0.4416, 0.1662, 0.0595, 0.0211, BrierLM 9.80. The smallest gap,
     * Brier-1 of the sharpened model (0.044), is about 8 combined standard errors of the sampled estimator at
     * 50,000 positions.
     */
    @Test
    void modelEqualToTheDataScoresHigherThanDistortedModels() {
        SplittableRandom r = new SplittableRandom(3);
        ToyBigram data = ToyBigram.random(r, 4, 1.5);
        for (ToyBigram distorted : new ToyBigram[] {data.tempered(3), data.mixedWithUniform(0.5)}) {
            assertProperOnAverage(data, distorted, ToyBigram.Position::sampled, r);
            assertProperOnAverage(data, distorted, ToyBigram.Position::withProbabilities, r);
        }
    }

    private static void assertProperOnAverage(ToyBigram data, ToyBigram distorted,
            Function<ToyBigram.Position, double[]> estimator, SplittableRandom r) {
        BrierLM truth = new BrierLM();
        BrierLM other = new BrierLM();
        for (int i = 0; i < 50_000; i++) {
            truth.add(estimator.apply(ToyBigram.position(data, data, r.nextInt(4), r)));
            other.add(estimator.apply(ToyBigram.position(data, distorted, r.nextInt(4), r)));
        }
        BrierLM.Result t = truth.result();
        BrierLM.Result o = other.result();
        String where = "data model: " + t + "; distorted: " + o;
        for (int n = 0; n < MAX_N; n++) {
            double noise = Math.hypot(t.standardError()[n], o.standardError()[n]);
            assertTrue(t.brier()[n] - o.brier()[n] > Z * noise, "Brier-" + (n + 1) + ", " + where);
        }
        assertTrue(t.brierLM() - o.brierLM() > Z * Math.hypot(t.brierLMStandardError(), o.brierLMStandardError()),
                where);
    }

    @Test
    void termsSplitEachMeanIntoTwiceTheAccuracyMinusTheCollisionAndSurviveAMerge() {
        BrierLM a = new BrierLM();
        a.add(new double[] {1.0, 0.5, 0.0, -0.25}, new double[] {0.75, 0.5, 0.25, 0.0});
        a.add(new double[] {0.5, 0.5, 0.5, 0.25}, new double[] {0.25, 0.5, 0.5, 0.25});
        BrierLM b = new BrierLM();
        b.add(new double[] {0.0, 0.0, 0.0, 0.0}, new double[] {0.5, 0.0, 0.0, 0.0});
        a.merge(b);
        BrierLM.Terms terms = a.terms();
        double[] accuracy = {1.5 / 3, 1.0 / 3, 0.75 / 3, 0.25 / 3};
        double[] brier = {1.5 / 3, 1.0 / 3, 0.5 / 3, 0.0};
        assertArrayEquals(accuracy, terms.accuracy(), 1e-15);
        for (int n = 0; n < 4; n++) {
            assertEquals(2 * accuracy[n] - brier[n], terms.collision()[n], 1e-15);
        }
        BrierLM without = new BrierLM();
        without.add(new double[] {1, 1, 1, 1});
        assertNull(without.terms(), "no accuracy terms were added");
        assertNull(new BrierLM().terms());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> without.add(new double[] {1, 1, 1, 1}, new double[] {1, Double.NaN, 1, 1}));
        assertTrue(e.getMessage().contains("Brier-2 accuracy term must be finite"), e.getMessage());
        assertEquals(1, without.positions(), "nothing is added");
    }
}
