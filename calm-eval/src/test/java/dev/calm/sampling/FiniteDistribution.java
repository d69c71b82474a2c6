/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import dev.calm.core.Rng;
import java.util.Arrays;
import java.util.function.Supplier;

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
}
