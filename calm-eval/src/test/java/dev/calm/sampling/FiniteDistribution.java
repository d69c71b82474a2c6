/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import dev.calm.core.Rng;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/** A known distribution over the outcomes 0..k-1, standing in for a model's black-box sampler in tests. */
final class FiniteDistribution {

    /** The skewed distribution every test uses. */
    static final FiniteDistribution SKEWED = new FiniteDistribution(0.4, 0.25, 0.15, 0.1, 0.06, 0.04);

    private final double[] p;
    private final double[] cdf;

    FiniteDistribution(double... p) {
        this.p = p.clone();
        this.cdf = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i];
            cdf[i] = sum;
        }
    }

    /** @return k equally likely outcomes */
    static FiniteDistribution uniform(int k) {
        double[] p = new double[k];
        Arrays.fill(p, 1.0 / k);
        return new FiniteDistribution(p);
    }

    int size() {
        return p.length;
    }

    /** @return a sampler drawing by inverse CDF from the given generator */
    Supplier<Integer> sampler(Rng rng) {
        return () -> {
            int i = Arrays.binarySearch(cdf, rng.nextDouble());
            int index = i >= 0 ? i + 1 : -i - 1; // first cdf entry strictly above u
            return Math.min(index, p.length - 1); // u above a cdf that rounds to just below 1
        };
    }

    /** @return sum_x P(x)^power */
    double powerSum(double power) {
        double sum = 0;
        for (double q : p) {
            sum += Math.pow(q, power);
        }
        return sum;
    }

    /** @return P_T = P^(1/T) / Z_T */
    double[] tempered(double temperature) {
        double z = powerSum(1 / temperature);
        double[] t = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            t[i] = Math.pow(p[i], 1 / temperature) / z;
        }
        return t;
    }

    /**
     * The batch method's choice distribution at batch size n, exactly: q_n(x) = E[probabilities(counts)_x] over
     * every count vector of n draws from this distribution, weighted by its multinomial probability (C(n + k - 1,
     * k - 1) vectors: 1,287 for 6 outcomes and n = 8, 20,301 for 3 outcomes and n = 200).
     *
     * @param sampler the batch rule
     * @param n the batch size N
     * @return q_n
     */
    double[] batchChoice(BatchTemperatureSampler sampler, int n) {
        double[] q = new double[p.length];
        enumerate(sampler, new int[p.length], 0, n, n, q);
        return q;
    }

    private void enumerate(BatchTemperatureSampler sampler, int[] counts, int x, int left, int n, double[] q) {
        if (x == counts.length - 1) {
            counts[x] = left;
            double log = logFactorial(n);
            for (int i = 0; i < counts.length; i++) {
                log += counts[i] * Math.log(p[i]) - logFactorial(counts[i]);
            }
            double probability = Math.exp(log);
            double[] choice = choiceProbabilities(sampler, counts, n);
            for (int i = 0; i < q.length; i++) {
                q[i] += probability * choice[i];
            }
            return;
        }
        for (int c = 0; c <= left; c++) {
            counts[x] = c;
            enumerate(sampler, counts, x + 1, left - c, n, q);
        }
    }

    private static double logFactorial(int n) {
        double sum = 0;
        for (int i = 2; i <= n; i++) {
            sum += Math.log(i);
        }
        return sum;
    }

    /**
     * @param sampler the batch rule
     * @param counts how often each outcome was drawn (zeros allowed)
     * @param n the number of draws
     * @return the rule's probability of choosing each outcome (0 for those not drawn)
     */
    static double[] choiceProbabilities(BatchTemperatureSampler sampler, int[] counts, int n) {
        int[] seen = IntStream.range(0, counts.length).filter(x -> counts[x] > 0).toArray();
        double[] chosen = sampler.probabilities(Arrays.stream(seen).map(x -> counts[x]).toArray(), n);
        double[] out = new double[counts.length];
        for (int i = 0; i < seen.length; i++) {
            out[seen[i]] = chosen[i];
        }
        return out;
    }

    /** @return Pearson's chi-square statistic of observed counts against the distribution q */
    static double chiSquare(long[] counts, double[] q) {
        long total = Arrays.stream(counts).sum();
        double chi2 = 0;
        for (int x = 0; x < counts.length; x++) {
            double expected = total * q[x];
            chi2 += (counts[x] - expected) * (counts[x] - expected) / expected;
        }
        return chi2;
    }

    /** @return the total variation distance between two distributions over the same outcomes */
    static double totalVariation(double[] p, double[] q) {
        double tv = 0;
        for (int x = 0; x < p.length; x++) {
            tv += Math.abs(p[x] - q[x]) / 2;
        }
        return tv;
    }
}
