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
     * Total variation between P_T and the frequencies of 20,000 choices, at N = 8, 32, 128, 512. The estimate is
     * the choice's bias plus the noise of 20,000 draws: for an exact sampler that noise alone has mean 0.004 to
     * 0.005, standard deviation 0.002 and 0.999 quantile 0.012 to 0.013 at these temperatures (simulated). The bias
     * (exact enumeration of the multinomial counts at N = 8, Monte Carlo above) is 0.061, 0.034, 0.088 at N = 8 and
     * at most 0.0025 at N = 512 for T = 1/2, 0.7, 0.4. Hence the tolerances: TV below 0.02 at N = 512, and at
     * least 0.015 less than at N = 8. N = 4 is not used: there every rule reduces to choosing a most frequent
     * outcome, which for this P happens to lie within 0.009 of P_0.7, so at T = 0.7 the bias is not monotone in N
     * (0.009 at N = 4, 0.039 at N = 6, 0.034 at N = 8, exact).
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.7, 0.4})
    void totalVariationShrinksAsTheBatchGrows(double t) {
        FiniteDistribution dist = FiniteDistribution.SKEWED;
        BatchTemperatureSampler s = new BatchTemperatureSampler(t);
        Rng rng = new Rng(99);
        Supplier<Integer> draw = dist.sampler(rng.fork("draws"));
        Rng coins = rng.fork("coins");
        int[] sizes = {8, 32, 128, 512};
        double[] tv = new double[sizes.length];
        int choices = 20_000;
        double[] target = dist.tempered(t);
        for (int k = 0; k < sizes.length; k++) {
            long[] counts = new long[dist.size()];
            for (int i = 0; i < choices; i++) {
                counts[s.choose(draw, sizes[k], coins)]++;
            }
            for (int x = 0; x < counts.length; x++) {
                tv[k] += Math.abs((double) counts[x] / choices - target[x]) / 2;
            }
        }
        LOG.info("T = {}: total variation to P_T at N = {}: {}", t, Arrays.toString(sizes), Arrays.toString(tv));
        assertTrue(tv[sizes.length - 1] < 0.02, "TV at N = 512: " + tv[sizes.length - 1]);
        assertTrue(tv[0] - tv[sizes.length - 1] > 0.015, "TV at N = 8 and 512: " + Arrays.toString(tv));
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
