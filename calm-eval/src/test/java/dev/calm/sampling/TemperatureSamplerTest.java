/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.eval.RunningMean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class TemperatureSamplerTest {

    private static final Logger LOG = LoggerFactory.getLogger(TemperatureSamplerTest.class);

    private static final int SAMPLES = 20_000;

    /** 0.999 quantile of chi-square with 5 degrees of freedom (6 outcomes): scipy.stats.chi2.ppf(0.999, 5). */
    private static final double CHI2_5DOF_999 = 20.515;

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.5, 1.0 / 3, 0.7, 0.35})
    void exactSamplerFitsTheTemperedDistributionAndItsDrawCount(double t) {
        FiniteDistribution dist = FiniteDistribution.SKEWED;
        Rng rng = new Rng(2026);
        Supplier<Integer> draw = dist.sampler(rng.fork("draws"));
        Rng coins = rng.fork("coins");
        TemperatureSampler sampler = new TemperatureSampler(t);
        long[] counts = new long[dist.size()];
        RunningMean drawsPerSample = new RunningMean();
        for (int s = 0; s < SAMPLES; s++) {
            long before = sampler.draws();
            counts[sampler.sample(draw, coins)]++;
            drawsPerSample.add(sampler.draws() - before);
        }
        double[] expected = dist.tempered(t);
        double chi2 = 0;
        for (int x = 0; x < counts.length; x++) {
            double e = SAMPLES * expected[x]; // at least 20 (outcome 5 at T = 0.35): chi-square applies
            chi2 += (counts[x] - e) * (counts[x] - e) / e;
        }
        assertEquals(SAMPLES, sampler.samples());
        assertEquals(0, sampler.fallbacks());
        assertTrue(chi2 < CHI2_5DOF_999, "chi-square " + chi2 + " at T = " + t);

        // Expected draws per sample. Per attempt, the paper's count is n + 1{alpha>0} sum_x P(x)^n P(x)^(alpha-1)
        // (n draws, then p^(alpha-1) Bernoulli-factory draws on average when x* survives, with probability P^n);
        // attempts succeed with probability Z_T, so by Wald's identity a sample costs
        // (n + 1{alpha>0} sum_x P(x)^(1/T - 1)) / Z_T draws: the paper's formula, right for drawing all n.
        // The sampler stops at the first mismatch, so its first stage costs 1 + sum_x sum_{j=1..n-1} P(x)^j
        // instead of n (equal for n <= 2, fewer for n >= 3): the formula asserted here.
        BatchTemperatureSampler parts = new BatchTemperatureSampler(t);
        int n = parts.integerPart();
        double alpha = parts.fractionalPart();
        double firstStage = 1;
        for (int j = 1; j < n; j++) {
            firstStage += dist.powerSum(j);
        }
        double factory = alpha > 0 ? dist.powerSum(1 / t - 1) : 0;
        double z = dist.powerSum(1 / t);
        double predicted = (firstStage + factory) / z;
        double paper = (n + factory) / z;
        LOG.info("T = {}: chi-square {} (limit {}), draws per sample {} (predicted {}, paper's all-n count {})",
                t, chi2, CHI2_5DOF_999, drawsPerSample, predicted, paper);
        // 5 standard errors of the mean draw count (normal approximation; about 6e-7 two-sided)
        double tolerance = 5 * drawsPerSample.standardError() + 1e-9;
        assertEquals(predicted, drawsPerSample.mean(), tolerance, "mean draws per sample at T = " + t);
        assertTrue(predicted <= paper + 1e-12);
    }

    @Test
    void temperatureOneReturnsTheFirstDraw() {
        TemperatureSampler sampler = new TemperatureSampler(1.0);
        int[] next = {0};
        Supplier<Integer> counter = () -> next[0]++;
        Rng rng = new Rng(1);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sampler.sample(counter, rng));
        }
        assertEquals(100, sampler.samples());
        assertEquals(100, sampler.draws());
        assertEquals(0, sampler.fallbacks());
        assertEquals(0, rng.draws()); // no coin is flipped at T = 1
    }

    @Test
    void flatDistributionAtLowTemperatureFallsBack() {
        // 1,000 equally likely outcomes at T = 1/4: an attempt succeeds with probability 1000 * 1e-12 = 1e-9
        FiniteDistribution flat = FiniteDistribution.uniform(1000);
        Rng rng = new Rng(7);
        Supplier<Integer> draw = flat.sampler(rng.fork("draws"));
        Rng coins = rng.fork("coins");
        TemperatureSampler sampler = new TemperatureSampler(0.25, 5, 50);
        for (int s = 0; s < 100; s++) {
            int x = sampler.sample(draw, coins);
            assertTrue(x >= 0 && x < flat.size(), "not an outcome: " + x);
        }
        assertEquals(100, sampler.samples());
        assertEquals(100, sampler.fallbacks());
        // each sample: 5 failed attempts of 2 to 4 draws (a 1e-3 repeat is needed for a third), then 50 candidates
        assertTrue(sampler.draws() >= 100 * (5 * 2 + 50) && sampler.draws() <= 100 * (5 * 4 + 50),
                "draws " + sampler.draws());
    }

    @Test
    void neverRepeatingSamplerStillTerminates() {
        // P(x*) = 0 for every outcome: without the bound on step 2, its length would have infinite mean
        TemperatureSampler sampler = new TemperatureSampler(0.95, 50, 10);
        long[] next = {0};
        Supplier<Long> fresh = () -> next[0]++;
        Rng rng = new Rng(3);
        for (int s = 0; s < 20; s++) {
            long before = sampler.draws();
            long x = sampler.sample(fresh, rng);
            assertTrue(x >= before && x < sampler.draws(), "not one of this call's draws: " + x);
            assertTrue(sampler.draws() - before <= 50 * (1 + 50) + 10, "draws " + (sampler.draws() - before));
        }
        assertEquals(20, sampler.fallbacks());
        assertEquals(20, sampler.samples());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void invalidTemperatureIsNamed(double t) {
        CalmException e = assertThrows(CalmException.class, () -> new TemperatureSampler(t));
        assertTrue(e.getMessage().contains(String.valueOf(t)), e.getMessage());
    }

    @Test
    void invalidBoundsAreNamed() {
        CalmException tries = assertThrows(CalmException.class, () -> new TemperatureSampler(0.5, 0, 10));
        assertTrue(tries.getMessage().contains("maxTries") && tries.getMessage().contains("0"), tries.getMessage());
        CalmException n = assertThrows(CalmException.class, () -> new TemperatureSampler(0.5, 10, -3));
        assertTrue(n.getMessage().contains("-3"), n.getMessage());
        TemperatureSampler defaults = new TemperatureSampler(0.5);
        assertEquals(TemperatureSampler.DEFAULT_MAX_TRIES, defaults.maxTries());
        assertEquals(TemperatureSampler.DEFAULT_FALLBACK_CANDIDATES, defaults.fallbackCandidates());
        assertEquals(0.5, defaults.temperature());
    }
}
