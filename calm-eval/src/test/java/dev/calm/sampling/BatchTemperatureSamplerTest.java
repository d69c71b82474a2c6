/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class BatchTemperatureSamplerTest {

    private static final Logger LOG = LoggerFactory.getLogger(BatchTemperatureSamplerTest.class);

    @Test
    void temperatureSplitsIntoIntegerAndFractionalParts() {
        assertParts(1.0, 1, 0);
        assertParts(0.5, 2, 0);
        assertParts(1.0 / 3, 3, 0); // 1 / (1.0 / 3) is 3 only up to rounding
        assertParts(0.1, 10, 0); // 1 / 0.1 = 10.000000000000002 in doubles
        assertParts(0.7, 1, 1 / 0.7 - 1);
        assertParts(0.35, 2, 1 / 0.35 - 2);
        assertParts(0.4, 2, 0.5);
        assertParts(Double.MIN_VALUE, Integer.MAX_VALUE, 0); // 1/T overflows to infinity
    }

    private static void assertParts(double t, int n, double alpha) {
        BatchTemperatureSampler s = new BatchTemperatureSampler(t);
        assertEquals(n, s.integerPart(), "n at T = " + t);
        assertEquals(alpha, s.fractionalPart(), 1e-12, "alpha at T = " + t);
        assertEquals(t, s.temperature());
    }

    @Test
    void handCheckedIntegerWeights() {
        // [a, a, a, b, b, c] at T = 1/2: weights C(3, 2) = 3, C(2, 2) = 1, 0, so P(a) = 3/4, P(b) = 1/4
        BatchTemperatureSampler half = new BatchTemperatureSampler(0.5);
        assertArrayEquals(new double[] {0.75, 0.25, 0}, half.probabilities(new int[] {3, 2, 1}, 6), 1e-12);
        List<String> candidates = List.of("a", "b", "a", "c", "b", "a");
        Rng rng = new Rng(11);
        int calls = 40_000;
        int a = 0;
        int b = 0;
        for (int i = 0; i < calls; i++) {
            String x = half.choose(candidates, rng);
            a += x.equals("a") ? 1 : 0;
            b += x.equals("b") ? 1 : 0;
        }
        // standard error sqrt(3/16 / 40000) = 0.0022: 0.01 is 4.6 of them
        assertEquals(0.75, (double) a / calls, 0.01);
        assertEquals(calls, a + b, "c has weight 0");
    }

    @Test
    void handCheckedFractionalWeights() {
        // T = 2/3, 1/T = 1.5: n = 1, alpha = 0.5, N = 6; w = c ((c - 1) / 5)^0.5: 3 sqrt(2/5), 2 sqrt(1/5), 0
        BatchTemperatureSampler s = new BatchTemperatureSampler(2.0 / 3);
        double wa = 3 * Math.sqrt(0.4);
        double wb = 2 * Math.sqrt(0.2);
        assertArrayEquals(new double[] {wa / (wa + wb), wb / (wa + wb), 0}, s.probabilities(new int[] {3, 2, 1}, 6),
                1e-12);
    }

    @Test
    void emptyLevelsFallBackToLowerOnes() {
        // 1/T = 2.5 and no outcome seen 3 times: every fractional weight is 0, so level 2 decides (C(2, 2) = 1 each)
        BatchTemperatureSampler s = new BatchTemperatureSampler(0.4);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, s.probabilities(new int[] {2, 2, 1}, 5), 1e-12);
        // 1/T = 3: level 3 is empty, level 2 holds only the pair
        BatchTemperatureSampler third = new BatchTemperatureSampler(1.0 / 3);
        assertArrayEquals(new double[] {1, 0, 0}, third.probabilities(new int[] {2, 1, 1}, 4), 0);
        // no repeat at all: level 1, uniform
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, third.probabilities(new int[] {1, 1, 1}, 3), 1e-12);
    }

    @Test
    void largeCountsAndLargeNStayFinite() {
        // n = 20, N = 4539: C(3000, 20) is about 1e50 and would lose nothing here, but n = 1000 overflows doubles
        BatchTemperatureSampler twentieth = new BatchTemperatureSampler(1.0 / 20);
        double[] p = twentieth.probabilities(new int[] {3000, 1500, 20, 19}, 4539);
        double ratio = 1;
        for (int j = 0; j < 20; j++) {
            ratio *= (3000.0 - j) / (1500.0 - j); // C(3000, 20) / C(1500, 20)
        }
        assertEquals(ratio, p[0] / p[1], ratio * 1e-9);
        assertEquals(0, p[3]);
        BatchTemperatureSampler tiny = new BatchTemperatureSampler(0.001);
        double[] q = tiny.probabilities(new int[] {3000, 2999}, 5999);
        assertTrue(q[0] > 0.5 && q[0] < 1 && q[1] > 0, "finite and ordered: " + q[0] + ", " + q[1]);
        assertEquals(1, q[0] + q[1], 1e-12);
    }

    /**
     * The batch method's choice converges to P_T as the batch grows, and {@code choose} samples it. Its choice
     * distribution at batch size N is q_N(x) = E[probabilities(counts)_x] over the multinomial counts of N draws.
     * <ol>
     *   <li>At N = 8, q_8 is computed exactly by enumerating the C(13, 5) = 1,287 count vectors of 6 outcomes. It
     *       is biased (total variation to P_T above 0.02: 0.061, 0.034, 0.088 at T = 1/2, 0.7, 0.4), and 20,000
     *       choices of {@code choose} pass Pearson's chi-square test against it: with 5 degrees of freedom the
     *       statistic of an exact sampler exceeds 20.52 with probability 0.001.
     *   <li>At N = 512, enumeration is out of reach, so q_512 is the mean of probabilities(counts) over 4,000 batches
     *       (no coin: the only noise is the batches'). Each coordinate's standard error SE_x comes from the 4,000
     *       values; the bias bound TV(q_512, P_T) &lt;= TV(mean, P_T) + sum_x 3 SE_x / 2 (each coordinate within 3
     *       standard errors) must be below 0.01, under a third of the smallest bias at N = 8 (measured 0.0043,
     *       0.0030, 0.0056 at T = 1/2, 0.7, 0.4).
     * </ol>
     * {@link #aWrongSamplerFailsTheseChecks} shows the checks failing for two wrong rules.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.7, 0.4})
    void theChoiceConvergesToTheTemperedDistributionAsTheBatchGrows(double t) {
        FiniteDistribution dist = FiniteDistribution.SKEWED;
        double[] target = dist.tempered(t);
        BatchTemperatureSampler s = new BatchTemperatureSampler(t);
        double[] q8 = dist.batchChoice(s, 8);
        assertTrue(FiniteDistribution.totalVariation(q8, target) > 0.02, "biased at N = 8: " + Arrays.toString(q8));
        double chi2 = FiniteDistribution.chiSquare(choices(s, dist, 8, 20_000, new Rng(99)), q8);
        assertTrue(chi2 < CHI2_5_999, "choose() against its exact distribution at N = 8: chi-square " + chi2);
        double[] bias = totalVariationAt512(s, dist, t, new Rng(98));
        LOG.info("T = {}: TV(q_8, P_T) = {}, chi-square {}, TV(q_512, P_T) in [{}, {}]", t, FiniteDistribution.totalVariation(q8, target),
                chi2, bias[0], bias[1]);
        assertTrue(bias[1] < CONVERGED, "TV(q_512, P_T) <= " + bias[1]);
    }

    /** The bound on TV(q_512, P_T) of a correct sampler: measured at most 0.0056 with its margin (T = 0.4). */
    private static final double CONVERGED = 0.01;

    /** The 0.999 quantile of the chi-square distribution with 5 degrees of freedom (6 outcomes). */
    private static final double CHI2_5_999 = 20.515;

    @Test
    void aWrongSamplerFailsTheseChecks() {
        FiniteDistribution dist = FiniteDistribution.SKEWED;
        // the temperature ignored (every candidate weighted by its count, T = 1): far from P_1/2 at any N
        BatchTemperatureSampler untempered = new BatchTemperatureSampler(1);
        double[] bias = totalVariationAt512(untempered, dist, 0.5, new Rng(98));
        LOG.info("temperature ignored: TV(q_512, P_1/2) >= {}", bias[0]);
        assertTrue(bias[0] > CONVERGED, "P against P_1/2: " + bias[0]);
        double[] q8 = dist.batchChoice(new BatchTemperatureSampler(0.5), 8);
        double chi2 = FiniteDistribution.chiSquare(choices(untempered, dist, 8, 20_000, new Rng(99)), q8);
        LOG.info("temperature ignored: chi-square {} against q_8", chi2);
        assertTrue(chi2 > 10 * CHI2_5_999, "chi-square of the untempered choices against q_8: " + chi2);
        // the fractional part alpha dropped: at T = 0.7 (1/T = 1.43) that is T = 1, at T = 0.4 (2.5) T = 1/2
        for (double t : new double[] {0.7, 0.4}) {
            BatchTemperatureSampler integerOnly = new BatchTemperatureSampler(1.0 / Math.floor(1 / t));
            double[] dropped = totalVariationAt512(integerOnly, dist, t, new Rng(98));
            LOG.info("alpha dropped at T = {}: TV(q_512, P_T) >= {}", t, dropped[0]);
            assertTrue(dropped[0] > CONVERGED, "alpha dropped at T = " + t + ": " + dropped[0]);
        }
    }

    /**
     * TV(q_512, P_T) within 3 standard errors per coordinate, from the mean of probabilities(counts) over 4,000
     * batches of 512 draws.
     *
     * @return the lower and the upper bound
     */
    private static double[] totalVariationAt512(BatchTemperatureSampler s, FiniteDistribution dist, double t, Rng rng) {
        int n = 512;
        int batches = 4000;
        Supplier<Integer> draw = dist.sampler(rng);
        double[] sum = new double[dist.size()];
        double[] sumSquares = new double[dist.size()];
        for (int b = 0; b < batches; b++) {
            int[] counts = new int[dist.size()];
            for (int i = 0; i < n; i++) {
                counts[draw.get()]++;
            }
            double[] p = FiniteDistribution.choiceProbabilities(s, counts, n);
            for (int x = 0; x < p.length; x++) {
                sum[x] += p[x];
                sumSquares[x] += p[x] * p[x];
            }
        }
        double[] mean = new double[sum.length];
        double margin = 0;
        for (int x = 0; x < sum.length; x++) {
            mean[x] = sum[x] / batches;
            double variance = (sumSquares[x] - batches * mean[x] * mean[x]) / (batches - 1);
            margin += 3 * Math.sqrt(Math.max(variance, 0) / batches) / 2;
        }
        double tv = FiniteDistribution.totalVariation(mean, dist.tempered(t));
        return new double[] {Math.max(0, tv - margin), tv + margin};
    }

    private static long[] choices(BatchTemperatureSampler s, FiniteDistribution dist, int n, int choices, Rng rng) {
        Supplier<Integer> draw = dist.sampler(rng.fork("draws"));
        Rng coins = rng.fork("coins");
        long[] counts = new long[dist.size()];
        for (int i = 0; i < choices; i++) {
            counts[s.choose(draw, n, coins)]++;
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, 1.5, Double.NaN, Double.NEGATIVE_INFINITY})
    void invalidTemperatureIsNamed(double t) {
        CalmException e = assertThrows(CalmException.class, () -> new BatchTemperatureSampler(t));
        assertTrue(e.getMessage().contains(String.valueOf(t)), e.getMessage());
    }

    @Test
    void edgeCases() {
        BatchTemperatureSampler s = new BatchTemperatureSampler(0.5);
        Rng rng = new Rng(5);
        assertEquals("only", s.choose(List.of("only"), rng));
        assertThrows(IllegalArgumentException.class, () -> s.choose(List.of(), rng));
        assertThrows(IllegalArgumentException.class, () -> s.choose(() -> "x", 0, rng));
    }
}
