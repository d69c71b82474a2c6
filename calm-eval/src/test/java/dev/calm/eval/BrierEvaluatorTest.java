/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.Deterministic;
import dev.calm.energy.EnergyFixtures;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import dev.calm.experiment.CalmExperiment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BrierLM through the models: both estimators against exact Brier-n of a small token model (every n-gram
 * enumerated with full passes, no cache), the alignment of gold tokens, samples and branches for every K, flat
 * memory, and clear errors.
 */
@CalmExperiment
class BrierEvaluatorTest {

    private static final int V = 6;
    private static final int T = 10;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /** A token baseline over 6 ids whose weights are scaled up, so its next-token distributions are far from flat. */
    private TokenBaseline smallTokenModel() {
        TokenBaseline model = EnergyFixtures.tinyBaseline(manager, V);
        try (Backend.GradScope grad = Backend.noGrad()) { // in place on leaves that require grad
            model.namedParameters().values().forEach(p -> p.array().muli(3f));
        }
        return model;
    }

    @Test
    void bothEstimatorsAreUnbiasedForATokenModelWhoseBrierIsComputedExactly() {
        // exact Brier-n at each of the 6 scored positions of one sequence of 10 tokens: 2 P(y[:n]) - sum_g P(g)^2
        // over all 6^n n-grams g, from full passes without a cache. Each estimator is run 400 times (2,400
        // position estimates) and must be within 4 standard errors of the exact mean, for every n.
        TokenBaseline model = smallTokenModel();
        int[] gold = new Rng(5).javaRandom().ints(T, 0, V).toArray();
        double[][] exactTerms = exactBrier(model, gold);
        double[] exact = exactTerms[0];
        for (BrierEvaluator.Estimator estimator : BrierEvaluator.Estimator.values()) {
            BrierLM all = new BrierLM();
            BrierEvaluator evaluator = new BrierEvaluator(model, estimator);
            Rng rng = new Rng(7);
            for (int run = 0; run < 400; run++) {
                evaluator.evaluate(new int[][] {gold}, all, rng);
            }
            BrierLM.Result r = all.result();
            assertEquals(2400, r.positions());
            for (int n = 0; n < 4; n++) {
                double z = (r.brier()[n] - exact[n]) / r.standardError()[n];
                assertTrue(Math.abs(z) < 4, estimator + " Brier-" + (n + 1) + ": " + r.brier()[n] + " ± "
                        + r.standardError()[n] + " vs exact " + exact[n]);
            }
            // the accuracy term: exact with probabilities; with samples, the share of 2 x 2,400 draws that hit,
            // within 4 binomial standard errors of P(y[:n]) (collision = 2 accuracy - Brier-n then follows)
            BrierLM.Terms terms = all.terms();
            for (int n = 0; n < 4; n++) {
                double p = exactTerms[1][n];
                double tolerance = estimator == BrierEvaluator.Estimator.PROBABILITIES ? 1e-5
                        : 4 * Math.sqrt(p * (1 - p) / (2 * 2400));
                assertEquals(p, terms.accuracy()[n], tolerance, estimator + " accuracy term of Brier-" + (n + 1));
                assertEquals(2 * terms.accuracy()[n] - r.brier()[n], terms.collision()[n], 1e-12);
            }
            assertTrue(exactTerms[2][0] > exactTerms[1][0] / 10, "a collision term that matters: "
                    + Arrays.toString(exactTerms[2]));
            // a flat model over 6 ids would have |Brier-4| <= 2 / 6^4 = 0.0015: this one is far from flat
            assertTrue(Math.abs(exact[3]) > 0.01, "exact Brier-4 " + exact[3]);
        }
    }

    /**
     * The sampled estimator is unbiased for CALM with a stochastic head (K = 4: one step gives the 4 scored tokens),
     * not only with a zero-noise head whose two samples are identical. At each of the 5 scored positions of a
     * 24-token text that the model itself sampled, the head's distribution over chunks is estimated from 4,000 of
     * its samples: Brier-n = 2 P(y[:n]) - sum_g P(g)^2, with P(y[:n]) the share of samples that match and the
     * collision term the unbiased share of agreeing pairs, (sum_g c_g^2 - M) / (M (M - 1)). The evaluator's mean
     * over 300 runs (1,500 position estimates) must be within 4 combined standard errors of it for every n.
     */
    @Test
    void theSampledEstimatorIsUnbiasedForACalmWithAStochasticHead() {
        int k = 4;
        int m = 4000;
        Calm calm = EnergyFixtures.tinyCalm(manager, k);
        EnergyFixtures.randomiseHeadOutput(calm, manager);
        int[] gold = continuation(calm, k, 6); // T = 24: positions 0 .. 4 predict chunks 1 .. 5
        double[] exact = new double[4];
        double[] exactVariance = new double[4];
        double meanCollision = 0;
        double meanHit = 0;
        NDArray ids = manager.create(Arrays.stream(gold).asLongStream().toArray(), new Shape(1, gold.length));
        NDArray hidden = calm.hidden(ids, null, null); // [1, 6, d]
        Rng rng = new Rng(13);
        for (int position = 0; position < 5; position++) {
            long[][][] samples = StepModel.toHost(calm.sample(hidden.get(":, " + position + ", :"), m, rng)); // [M][1][K]
            for (int n = 1; n <= 4; n++) {
                Map<String, Integer> counts = new HashMap<>();
                for (long[][] sample : samples) {
                    counts.merge(Arrays.toString(Arrays.copyOf(sample[0], n)), 1, Integer::sum);
                }
                long[] y = Arrays.stream(gold, (position + 1) * k, (position + 1) * k + n).asLongStream().toArray();
                double p = counts.getOrDefault(Arrays.toString(y), 0) / (double) m;
                double squares = counts.values().stream().mapToDouble(c -> (double) c * c).sum();
                double collision = (squares - m) / ((double) m * (m - 1));
                exact[n - 1] += (2 * p - collision) / 5;
                exactVariance[n - 1] += 4 * p * (1 - p) / m / 25;
                meanCollision += n == 1 ? collision / 5 : 0;
                meanHit += n == 1 ? p / 5 : 0;
            }
        }
        BrierLM.Result r = repeatedly(new BrierEvaluator(calm), gold, 300, new Rng(17));
        assertEquals(1500, r.positions());
        for (int n = 0; n < 4; n++) {
            double se = Math.sqrt(r.standardError()[n] * r.standardError()[n] + exactVariance[n]);
            double z = (r.brier()[n] - exact[n]) / se;
            assertTrue(Math.abs(z) < 4, "Brier-" + (n + 1) + ": " + r.brier()[n] + " ± " + r.standardError()[n]
                    + " vs " + exact[n] + " from the head's samples");
        }
        // not the zero-noise case: two samples' first tokens agree sometimes but far from always, and the gold
        // token is drawn often enough that both terms of the estimator are exercised
        assertTrue(meanCollision > 0.02 && meanCollision < 0.9, "first-token collision probability " + meanCollision);
        assertTrue(meanHit > 0.02, "probability of the gold first token " + meanHit);
    }

    @Test
    void goldTokensSamplesAndBranchesAreAlignedForEveryK() {
        // With a deterministic step (zero noise) both samples agree, so Brier-n = 2 * 1{x[:n] = y[:n]} - 1 exactly.
        // Gold text that is the model's own deterministic continuation scores 1 at every position and every n,
        // random text -1 wherever the model's continuation differs: an off-by-one anywhere breaks this.
        for (int k : new int[] {1, 2, 4}) {
            Calm calm = EnergyFixtures.tinyCalm(manager, k);
            EnergyFixtures.randomiseHeadOutput(calm, manager);
            StepModel greedy = Deterministic.of(calm);
            int steps = 12;
            int[] own = continuation(greedy, k, steps);
            BrierLM.Result r = new BrierEvaluator(greedy).evaluate(new int[][] {own, own}, 2, new Rng(1));
            int positions = steps - 1 - ((4 + k - 1) / k - 1);
            assertEquals(2L * positions, r.positions(), "K = " + k);
            assertArrayEquals(new double[] {1, 1, 1, 1}, r.brier(), 0, "K = " + k);
            // The model's text with one token changed at c = 3K + 1, cut so that every scored position i (the first
            // token of the scored continuation, a multiple of K from K on) has i <= c: each one's context is the
            // model's own text, so its n-token continuation hits unless it covers c. Brier-n at i is therefore +1
            // when i + n <= c and -1 when i + n > c, and the mean over the positions is known exactly.
            int c = 3 * k + 1;
            int stepsAhead = (4 + k - 1) / k; // whole steps that the 4 scored tokens take
            int length = (c / k + stepsAhead) * k; // the last scored position is length - stepsAhead K <= c
            int[] shifted = Arrays.copyOf(own, length);
            shifted[c] = (shifted[c] + 1) % EnergyFixtures.VOCAB;
            BrierLM.Result s = new BrierEvaluator(greedy).evaluate(new int[][] {shifted}, 1, new Rng(1));
            double[] expected = new double[4];
            int scored = 0;
            for (int i = k; i <= length - stepsAhead * k; i += k, scored++) {
                for (int n = 1; n <= 4; n++) {
                    expected[n - 1] += i + n <= c ? 1 : -1;
                }
            }
            assertEquals(scored, s.positions(), "K = " + k);
            for (int n = 0; n < 4; n++) {
                expected[n] /= scored;
            }
            assertArrayEquals(expected, s.brier(), 1e-12, "K = " + k + ": " + Arrays.toString(s.brier()));
        }
    }

    @Test
    void manySamplesScoreTheSamePositionsOfAK4Model() {
        // deterministic K = 4 CALM: S equal samples give 2/S * S * hit - 2/(S(S-1)) * S(S-1)/2 = 2 hit - 1, as S = 2
        Calm calm = EnergyFixtures.tinyCalm(manager, 4);
        EnergyFixtures.randomiseHeadOutput(calm, manager);
        StepModel greedy = Deterministic.of(calm);
        int[] own = continuation(greedy, 4, 12);
        int[] shifted = own.clone();
        shifted[13] = (shifted[13] + 1) % EnergyFixtures.VOCAB;
        int[][] gold = {own, shifted};
        BrierLM.Result two = new BrierEvaluator(greedy).evaluate(gold, 2, new Rng(1));
        BrierEvaluator eight = new BrierEvaluator(greedy, BrierEvaluator.Estimator.SAMPLED, 8);
        assertEquals(8, eight.samples());
        BrierLM.Result r = eight.evaluate(gold, 2, new Rng(1));
        assertEquals(two.positions(), r.positions());
        assertArrayEquals(two.brier(), r.brier(), 1e-12);
        CalmException e = assertThrows(CalmException.class, () -> new BrierEvaluator(EnergyFixtures.tinyCalm(manager,
                2), BrierEvaluator.Estimator.SAMPLED, 8));
        assertTrue(e.getMessage().contains("model whose step gives the 4 tokens (K >= 4); got 8"), e.getMessage());
    }

    @Test
    void liveArraysAreTheSameBeforeAndAfterEvaluating() {
        TokenBaseline model = smallTokenModel();
        Calm calm = EnergyFixtures.tinyCalm(manager, 2);
        int[][] gold = {new Rng(1).javaRandom().ints(T, 0, V).toArray(), new Rng(2).javaRandom().ints(T, 0, V).toArray()};
        new BrierEvaluator(model).evaluate(gold, 2, new Rng(1));
        new BrierEvaluator(calm).evaluate(gold, 2, new Rng(1));
        int before = manager.getManagedArrays().size();
        for (int i = 0; i < 5; i++) {
            new BrierEvaluator(model).evaluate(gold, 1, new Rng(i));
            new BrierEvaluator(calm).evaluate(gold, 2, new Rng(i));
        }
        assertEquals(before, manager.getManagedArrays().size());
    }

    @Test
    void badModelsAndSequencesAreNamed() {
        Calm calm = EnergyFixtures.tinyCalm(manager, 4);
        CalmException e = assertThrows(CalmException.class,
                () -> new BrierEvaluator(calm, BrierEvaluator.Estimator.PROBABILITIES));
        assertTrue(e.getMessage().contains("only samples"), e.getMessage());
        BrierEvaluator evaluator = new BrierEvaluator(calm);
        assertEquals(8, evaluator.minLength());
        e = assertThrows(CalmException.class, () -> evaluator.evaluate(new int[][] {new int[6]}, 1, new Rng(0)));
        assertTrue(e.getMessage().contains("multiple of K = 4 tokens and at least 8 long, got 6"), e.getMessage());
        e = assertThrows(CalmException.class, () -> evaluator.evaluate(new int[][] {new int[8], new int[12]}, 2,
                new Rng(0)));
        assertTrue(e.getMessage().contains("equal lengths"), e.getMessage());
    }

    /**
     * Exact means over the scored positions of one sequence, by enumeration with full passes: Brier-1..4, their
     * accuracy terms P(y[:n]) and their collision terms sum_g P(g)^2, as rows 0, 1 and 2.
     */
    private double[][] exactBrier(TokenBaseline model, int[] gold) {
        double[] mean = new double[4];
        double[] accuracy = new double[4];
        double[] collision = new double[4];
        try (Backend.GradScope grad = Backend.noGrad()) {
            int positions = T - 4;
            for (int p = 0; p < positions; p++) {
                long[] context = Arrays.stream(Arrays.copyOf(gold, p + 1)).asLongStream().toArray();
                double[] sumSquares = new double[4]; // sum over n-grams g of P(g)^2
                double[] gram = {1}; // P of every j-gram after the context, in base-V order
                for (int j = 0; j < 4; j++) {
                    double[] next = new double[gram.length * V];
                    for (int g = 0; g < gram.length; g++) {
                        float[] probs = nextToken(model, context, g, j);
                        for (int x = 0; x < V; x++) {
                            next[g * V + x] = gram[g] * probs[x];
                        }
                    }
                    gram = next;
                    for (double q : gram) {
                        sumSquares[j] += q * q;
                    }
                    int index = 0;
                    for (int i = 0; i <= j; i++) {
                        index = index * V + gold[p + 1 + i];
                    }
                    mean[j] += (2 * gram[index] - sumSquares[j]) / positions;
                    accuracy[j] += gram[index] / positions;
                    collision[j] += sumSquares[j] / positions;
                }
            }
        }
        return new double[][] {mean, accuracy, collision};
    }

    /** The next-token distribution after the context and the j-gram with base-V index g. */
    private float[] nextToken(TokenBaseline model, long[] context, int g, int j) {
        long[] seq = Arrays.copyOf(context, context.length + j);
        for (int i = j - 1; i >= 0; i--, g /= V) {
            seq[context.length + i] = g % V;
        }
        NDArray logits = model.logits(manager.create(seq, new Shape(1, seq.length)), null); // [1, L, V]
        return logits.get(":, -1, :").softmax(-1).toFloatArray();
    }

    /** The model's deterministic continuation of an end-of-text step, {@code steps} steps long. */
    /** BrierLM of one sequence scored {@code runs} times with fresh draws: the mean of the estimator. */
    private static BrierLM.Result repeatedly(BrierEvaluator evaluator, int[] gold, int runs, Rng rng) {
        BrierLM all = new BrierLM();
        for (int run = 0; run < runs; run++) {
            evaluator.evaluate(new int[][] {gold}, all, rng);
        }
        return all.result();
    }

    private int[] continuation(StepModel model, int k, int steps) {
        long[] seq = new long[k];
        while (seq.length < steps * k) {
            NDArray hidden = model.hidden(manager.create(seq, new Shape(1, seq.length)), null, null);
            long[] next = model.sample(hidden.get(":, -1, :"), 1, new Rng(0)).toLongArray();
            long[] grown = Arrays.copyOf(seq, seq.length + k);
            System.arraycopy(next, 0, grown, seq.length, k);
            seq = grown;
        }
        return Arrays.stream(seq).mapToInt(Math::toIntExact).toArray();
    }
}
