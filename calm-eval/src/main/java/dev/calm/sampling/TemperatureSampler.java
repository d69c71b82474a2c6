/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Exact temperature sampling from a black-box sampler (paper, section 5): returns x with probability
 * P_T(x) = P(x)^(1/T) / Z_T, using only draws from P, by rejection plus a Bernoulli factory.
 *
 * <p>Write 1/T = n + alpha with an integer n &ge; 1 and alpha in [0, 1). One attempt:
 * <ol>
 *   <li>Draw x*, then up to n - 1 more samples, restarting at the first that differs from x*. The attempt gets
 *       past this stage with probability P(x*)^n. (The paper draws all n; stopping at the first mismatch accepts
 *       the same events and saves draws.)</li>
 *   <li>If alpha = 0, return x*. Otherwise, for i = 1, 2, ...: draw x; if x = x*, return x*; else restart with
 *       probability alpha / i.</li>
 * </ol>
 * <b>Why step 2 accepts with probability P(x*)^alpha.</b> With p = P(x*), reaching iteration i + 1 takes i
 * mismatches and i survived coins: (1 - p)^i prod_{j=1..i} (1 - alpha/j) = (p - 1)^i C(alpha - 1, i). So
 * P(accept) = p sum_{i&ge;0} (p - 1)^i C(alpha - 1, i) = p (1 + (p - 1))^(alpha - 1) = p^alpha by the binomial
 * series (it converges for 0 &lt; p &le; 1), and step 2 makes p^(alpha - 1) draws on average. An attempt therefore
 * returns x with probability P(x)^(n + alpha) = P(x)^(1/T); attempts are independent, so the output follows P_T
 * exactly, after 1/Z_T attempts on average (Z_T = sum_x P(x)^(1/T)).
 *
 * <p><b>Bounds.</b> After {@code maxTries} failed attempts, or when one step 2 runs {@code maxTries} draws without
 * settling, the sampler draws N candidates and returns {@link BatchTemperatureSampler}'s choice: a fallback, counted
 * by {@link #fallbacks()}. The output coincides with the unbounded algorithm's unless a fallback happens, so its
 * total-variation distance from P_T is at most the fallback probability: (1 - Z_T)^maxTries for running out of
 * attempts, plus at most (1 - P(x*))^maxTries per attempt for cutting step 2 short.
 *
 * <p><b>Defaults</b> ({@link #TemperatureSampler(double)}). 1,000 tries keep (1 - Z_T)^maxTries &le;
 * exp(-1000 Z_T) below 1e-4 whenever Z_T &ge; 0.0093, for instance whenever the likeliest outcome has
 * P(x)^(1/T) &ge; 0.0093 (P = 0.1 at T = 1/2), and cut step 2 short with probability below 1e-4 for every
 * P(x*) &ge; 0.0093, while bounding the work per sample. 200 fallback candidates cost at most a fifth of the draws
 * the failed attempts already made (each draws at least once) and give the batch estimate counts of about
 * 200 P(x), enough to resolve outcomes with P(x) of a few percent.
 *
 * <p>Counters ({@link #samples()}, {@link #fallbacks()}, {@link #draws()}) let generation report its cost. An
 * instance is not thread-safe: use one per thread.
 */
public final class TemperatureSampler {

    /** Default bound on attempts per sample, and on draws in one Bernoulli-factory loop. */
    public static final int DEFAULT_MAX_TRIES = 1_000;

    /** Default number of candidates the batch fallback draws. */
    public static final int DEFAULT_FALLBACK_CANDIDATES = 200;

    private final BatchTemperatureSampler batch;
    private final int maxTries;
    private final int fallbackCandidates;
    private long samples;
    private long fallbacks;
    private long draws;

    /**
     * A sampler with the default bounds, {@value #DEFAULT_MAX_TRIES} tries and {@value #DEFAULT_FALLBACK_CANDIDATES}
     * fallback candidates.
     *
     * @param temperature T, finite and in (0, 1]
     * @throws CalmException if the temperature is not finite or not in (0, 1]
     */
    public TemperatureSampler(double temperature) {
        this(temperature, DEFAULT_MAX_TRIES, DEFAULT_FALLBACK_CANDIDATES);
    }

    /**
     * @param temperature T, finite and in (0, 1]
     * @param maxTries attempts before falling back, and the most draws one Bernoulli-factory loop may make; &gt; 0
     * @param fallbackCandidates N, the candidates the batch fallback draws; &gt; 0
     * @throws CalmException if the temperature is not finite or not in (0, 1], or a bound is not positive
     */
    public TemperatureSampler(double temperature, int maxTries, int fallbackCandidates) {
        this.batch = new BatchTemperatureSampler(temperature);
        if (maxTries <= 0) {
            throw new CalmException("maxTries must be positive, got " + maxTries);
        }
        if (fallbackCandidates <= 0) {
            throw new CalmException("fallback candidate count must be positive, got " + fallbackCandidates);
        }
        this.maxTries = maxTries;
        this.fallbackCandidates = fallbackCandidates;
    }

    /**
     * Draws one outcome from P_T.
     *
     * @param draw the model's sampler of P; outcomes are compared with {@code equals}
     * @param rng the source of the Bernoulli factory's coins and of the fallback's choice
     * @param <X> the outcome type
     * @return an outcome of {@code draw}; at T = 1 exactly its first draw
     */
    public <X> X sample(Supplier<? extends X> draw, Rng rng) {
        int n = batch.integerPart();
        double alpha = batch.fractionalPart();
        attempts:
        for (int attempt = 0; attempt < maxTries; attempt++) {
            X candidate = next(draw);
            for (int k = 1; k < n; k++) {
                if (!Objects.equals(next(draw), candidate)) {
                    continue attempts;
                }
            }
            if (alpha == 0) {
                return accept(candidate);
            }
            for (int i = 1; i <= maxTries; i++) {
                if (Objects.equals(next(draw), candidate)) {
                    return accept(candidate);
                }
                if (rng.nextDouble() < alpha / i) {
                    continue attempts;
                }
            }
            break; // step 2 did not settle within maxTries draws: P(candidate) is too small for exact sampling
        }
        List<X> candidates = new ArrayList<>(fallbackCandidates);
        for (int i = 0; i < fallbackCandidates; i++) {
            candidates.add(next(draw));
        }
        fallbacks++;
        return accept(batch.choose(candidates, rng));
    }

    private <X> X next(Supplier<? extends X> draw) {
        draws++;
        return draw.get();
    }

    private <X> X accept(X outcome) {
        samples++;
        return outcome;
    }

    /** @return the temperature T */
    public double temperature() {
        return batch.temperature();
    }

    /** @return the bound on attempts per sample and on draws per Bernoulli-factory loop */
    public int maxTries() {
        return maxTries;
    }

    /** @return N, the candidates the batch fallback draws */
    public int fallbackCandidates() {
        return fallbackCandidates;
    }

    /** @return how many outcomes {@link #sample} has returned, fallbacks included */
    public long samples() {
        return samples;
    }

    /** @return how many of those came from the batch fallback rather than the exact algorithm */
    public long fallbacks() {
        return fallbacks;
    }

    /** @return how many times {@link #sample} has called a sampler, fallback candidates included */
    public long draws() {
        return draws;
    }

    @Override
    public String toString() {
        return "TemperatureSampler[T=" + temperature() + ", samples=" + samples + ", fallbacks=" + fallbacks
                + ", draws=" + draws + "]";
    }
}
