/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Approximate temperature sampling from a batch of N i.i.d. draws (paper, section 5): chooses one of the drawn
 * outcomes so that, as N grows, the choice follows P_T(x) = P(x)^(1/T) / Z_T.
 *
 * <p>Write 1/T = n + alpha with an integer n &ge; 1 and alpha in [0, 1), and let c_x be how often outcome x occurs
 * among the N candidates, so c_x ~ Binomial(N, P(x)).
 *
 * <p><b>Integer 1/T</b> (alpha = 0, the paper's rule). The first of the levels m = n, n - 1, ..., 1 at which some
 * outcome has c_x &ge; m is used, and x is chosen with weight C(c_x, m). At level n this is asymptotically
 * unbiased: E[C(c_x, n)] = C(N, n) P(x)^n (the n-th factorial moment of a binomial), and the constant C(N, n)
 * cancels when the weights are normalised. Lower levels are a fallback for batches with no n-fold repeat.
 *
 * <p><b>Non-integer 1/T</b> (alpha &gt; 0, an extension). Since C(c, n) (c - n) = (n + 1) C(c, n + 1), the same
 * factorial moment gives E[C(c_x, n) (c_x - n)] = C(N, n) (N - n) P(x)^(n+1). So A_x = C(c_x, n) / C(N, n) and
 * B_x = A_x (c_x - n) / (N - n) are unbiased estimates of P(x)^n and P(x)^(n+1), and the weight is their
 * geometric interpolation A_x^(1 - alpha) B_x^alpha, up to the common factor C(N, n):
 * <pre>   w_x = C(c_x, n) ((c_x - n) / (N - n))^alpha,</pre>
 * non-zero only when c_x &ge; n + 1. It is unbiased for P(x)^(n+alpha) (up to the common factor) at alpha = 0 and
 * alpha = 1, and consistent for every alpha: c_x / N &rarr; P(x) gives w_x / C(N, n) &rarr; P(x)^(1/T). No
 * estimator of P^(n+alpha) from a binomial count can be unbiased for every P (its expectation is a polynomial of
 * degree at most N in P); for 0 &lt; alpha &lt; 1 this one is biased low at finite N, by Hölder's inequality
 * E[A_x^(1 - alpha) B_x^alpha] &le; E[A_x]^(1 - alpha) E[B_x]^alpha = P(x)^(n+alpha). If every w_x is zero (no
 * outcome occurs n + 1 times), the choice falls back to the integer levels n, n - 1, ..., 1.
 *
 * <p><b>Finite N.</b> Even with unbiased weights the choice probability E[w_x / sum_y w_y] is a ratio estimate,
 * so the method is biased at finite N for every T &lt; 1 and only asymptotically unbiased. Its bias shrinks as N
 * grows. Binomial coefficients are computed in log space, so N of many thousands and large n do not overflow.
 *
 * <p>Outcomes are compared with {@code equals} and {@code hashCode} and kept in first-seen order, so a choice is
 * reproducible whatever the hash codes. Instances are immutable; the randomness comes from the caller's
 * {@link Rng}.
 */
public final class BatchTemperatureSampler {

    /** How close 1/T must be to an integer to be treated as one: T = 1/3 gives n = 3, alpha = 0. */
    static final double INTEGER_SLACK = 1e-9;

    private final double temperature;
    private final int n;
    private final double alpha;

    /**
     * @param temperature T, finite and in (0, 1]; 1/T above 2^31 - 1 is treated as n = 2^31 - 1, alpha = 0
     * @throws CalmException if the temperature is not finite or not in (0, 1]
     */
    public BatchTemperatureSampler(double temperature) {
        if (!(Double.isFinite(temperature) && temperature > 0 && temperature <= 1)) {
            throw new CalmException("sampling temperature must be finite and in (0, 1], got " + temperature);
        }
        this.temperature = temperature;
        double inverse = 1 / temperature;
        double nearest = Math.rint(inverse);
        if (inverse >= Integer.MAX_VALUE) {
            this.n = Integer.MAX_VALUE;
            this.alpha = 0;
        } else if (Math.abs(inverse - nearest) <= INTEGER_SLACK) {
            this.n = (int) nearest;
            this.alpha = 0;
        } else {
            this.n = (int) Math.floor(inverse);
            this.alpha = inverse - n;
        }
    }

    /** @return the temperature T */
    public double temperature() {
        return temperature;
    }

    /** @return n, the integer part of 1/T (at least 1) */
    public int integerPart() {
        return n;
    }

    /** @return alpha = 1/T - n, in [0, 1); exactly 0 when 1/T is within 1e-9 of an integer */
    public double fractionalPart() {
        return alpha;
    }

    /**
     * Chooses one of N i.i.d. candidates, approximately following P_T as N grows.
     *
     * @param candidates the N samples, drawn at once from the model's sampler; not empty
     * @param rng the source of the choice's randomness (one uniform draw)
     * @param <X> the outcome type, compared with {@code equals}
     * @return one of the candidates
     * @throws IllegalArgumentException if there are no candidates
     */
    public <X> X choose(List<? extends X> candidates, Rng rng) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates to choose from");
        }
        Map<X, int[]> counts = new LinkedHashMap<>(); // first-seen order: reproducible for any hashCode
        for (X candidate : candidates) {
            counts.computeIfAbsent(candidate, k -> new int[1])[0]++;
        }
        List<X> outcomes = new ArrayList<>(counts.keySet());
        int[] c = new int[outcomes.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(outcomes.get(i))[0];
        }
        return outcomes.get(pick(probabilities(c, candidates.size()), rng.nextDouble()));
    }

    /**
     * Draws {@code count} candidates from a sampler and chooses one of them with {@link #choose(List, Rng)}.
     *
     * @param draw the model's sampler, called exactly {@code count} times
     * @param count N, at least 1
     * @param rng the source of the choice's randomness
     * @param <X> the outcome type, compared with {@code equals}
     * @return one of the drawn candidates
     * @throws IllegalArgumentException if count is below 1
     */
    public <X> X choose(Supplier<? extends X> draw, int count, Rng rng) {
        if (count < 1) {
            throw new IllegalArgumentException("candidate count must be at least 1, got " + count);
        }
        List<X> candidates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            candidates.add(draw.get());
        }
        return choose(candidates, rng);
    }

    /**
     * The choice probabilities of distinct outcomes with the given counts: normalised weights, computed in log
     * space and scaled by the largest before exponentiating.
     *
     * @param counts c_x of each distinct outcome, each at least 1
     * @param total N, the sum of the counts
     * @return the probability of choosing each outcome
     */
    double[] probabilities(int[] counts, int total) {
        double[] logWeights = new double[counts.length];
        if (alpha > 0) {
            boolean any = false;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > n) {
                    double ratio = (double) (counts[i] - n) / (total - n);
                    logWeights[i] = logBinomial(counts[i], n) + alpha * Math.log(ratio);
                    any = true;
                } else {
                    logWeights[i] = Double.NEGATIVE_INFINITY;
                }
            }
            if (any) {
                return normalise(logWeights);
            }
        }
        int max = 0;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        int level = Math.min(n, max); // the first non-empty level among n, n - 1, ..., 1
        for (int i = 0; i < counts.length; i++) {
            logWeights[i] = counts[i] >= level ? logBinomial(counts[i], level) : Double.NEGATIVE_INFINITY;
        }
        return normalise(logWeights);
    }

    /** log C(c, m) for 0 &le; m &le; c, as a sum of m logs of ratios (m is at most c, so the loop is short). */
    static double logBinomial(int c, int m) {
        double sum = 0;
        for (int j = 0; j < m; j++) {
            sum += Math.log((double) (c - j) / (j + 1));
        }
        return sum;
    }

    private static double[] normalise(double[] logWeights) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logWeights) {
            max = Math.max(max, l);
        }
        double[] p = new double[logWeights.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logWeights[i] - max); // 1 for the largest, 0 for -infinity
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Inverse CDF of a discrete distribution; never returns an index of probability zero. */
    static int pick(double[] p, double u) {
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // u at the top of [0, 1) with rounding in the cumulative sum
    }

    @Override
    public String toString() {
        return "BatchTemperatureSampler[T=" + temperature + ", n=" + n + ", alpha=" + alpha + "]";
    }
}
