/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static dev.calm.eval.BrierScore.MAX_N;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * BrierLM over an evaluation corpus: {@code 100 * (Brier-1 Brier-2 Brier-3 Brier-4)^(1/4)} of the corpus means
 * of the per-position {@link BrierScore} estimates, with standard errors.
 *
 * <p>Each Brier-n mean and its standard error come from a {@link RunningMean}; the cross co-moments of the
 * four estimates (accumulated Welford-style alongside, so numerically stable and mergeable) give the standard
 * error of BrierLM by the delta method. At small scale a Brier-3 or Brier-4 mean can be zero or negative from
 * noise: BrierLM is then undefined, reported as NaN and explained by {@link Result#describe()}, never clipped.
 *
 * <p>Not thread-safe: give each thread its own instance and {@link #merge} them.
 */
public final class BrierLM implements java.io.Serializable {

    /** Serializable so that per-partition aggregates of a distributed evaluation reach the driver. */
    private static final long serialVersionUID = 1L;

    /** The running means of Brier-1 to Brier-4. */
    private final RunningMean[] means = new RunningMean[MAX_N];
    /** The running means of the accuracy terms P(x[:n] = y[:n]) of the positions added with them. */
    private final RunningMean[] accuracy = new RunningMean[MAX_N];
    /** {@code crossMoments[a][b]}, a &lt; b: sum over positions of (x_a - mean_a)(x_b - mean_b). */
    private final double[][] crossMoments = new double[MAX_N][MAX_N];

    /** An empty aggregate. */
    public BrierLM() {
        for (int a = 0; a < MAX_N; a++) {
            means[a] = new RunningMean();
            accuracy[a] = new RunningMean();
        }
    }

    /**
     * Adds one position with the accuracy terms of its estimates, so that {@link #terms()} can split each Brier-n
     * into {@code 2 accuracy - collision}.
     *
     * @param brier its Brier-1 to Brier-4 estimates, indexed n - 1
     * @param accuracy the accuracy terms of those estimates ({@link BrierScore#accuracyAll}), indexed n - 1
     * @throws IllegalArgumentException if an array does not hold exactly four finite values; nothing is added
     */
    public void add(double[] brier, double[] accuracy) {
        checkFour("accuracy term", accuracy);
        add(brier);
        for (int a = 0; a < MAX_N; a++) {
            this.accuracy[a].add(accuracy[a]);
        }
    }

    /**
     * Adds one position.
     *
     * @param brier its Brier-1 to Brier-4 estimates, indexed n - 1 (as {@link BrierScore#sampledAll} gives)
     * @throws IllegalArgumentException if the array does not hold exactly four finite values; nothing is added
     */
    public void add(double[] brier) {
        checkFour("estimate", brier);
        long n = positions() + 1;
        if (n > 1) {
            // Welford co-moment update: (x_a - oldMean_a)(x_b - newMean_b) = d_a d_b (n - 1) / n
            double[] delta = new double[MAX_N];
            for (int a = 0; a < MAX_N; a++) {
                delta[a] = brier[a] - means[a].mean();
            }
            double weight = (n - 1.0) / n;
            for (int a = 0; a < MAX_N; a++) {
                for (int b = a + 1; b < MAX_N; b++) {
                    crossMoments[a][b] += delta[a] * delta[b] * weight;
                }
            }
        }
        for (int a = 0; a < MAX_N; a++) {
            means[a].add(brier[a]);
        }
    }

    /**
     * Adds every position of another aggregate (Chan et al.'s parallel update), as if they had been added here.
     *
     * @param other the other aggregate, left unchanged
     */
    public void merge(BrierLM other) {
        long n1 = positions();
        long n2 = other.positions();
        if (n2 == 0) {
            return;
        }
        double weight = n1 == 0 ? 0 : (double) n1 * n2 / (n1 + n2);
        double[] delta = new double[MAX_N];
        for (int a = 0; a < MAX_N && n1 > 0; a++) {
            delta[a] = other.means[a].mean() - means[a].mean();
        }
        for (int a = 0; a < MAX_N; a++) {
            for (int b = a + 1; b < MAX_N; b++) {
                crossMoments[a][b] += other.crossMoments[a][b] + delta[a] * delta[b] * weight;
            }
        }
        for (int a = 0; a < MAX_N; a++) {
            means[a].merge(other.means[a]);
            accuracy[a].merge(other.accuracy[a]);
        }
    }

    private static void checkFour(String what, double[] values) {
        if (values == null || values.length != MAX_N) {
            throw new IllegalArgumentException("a position needs the " + MAX_N + " " + what + "s of Brier-1.."
                    + MAX_N + ", got " + (values == null ? "null" : values.length + " values"));
        }
        for (int a = 0; a < MAX_N; a++) {
            if (!Double.isFinite(values[a])) {
                throw new IllegalArgumentException("Brier-" + (a + 1) + " " + what + " must be finite, got "
                        + values[a]);
            }
        }
    }

    /**
     * Each Brier-n mean split into its two terms, {@code Brier-n = 2 accuracy - collision}: accuracy is
     * {@code P(x[:n] = y[:n])}, how often the model's sample is the truth, and collision is
     * {@code sum_g P(g)^2}, how often two samples agree. A Brier-n at or below 0 with a collision above twice the
     * accuracy is a model that repeats a few continuations; with both near 0, one that spreads its mass over
     * continuations that do not occur.
     *
     * @return the terms, or null unless every position was added with its accuracy terms
     */
    public Terms terms() {
        long n = positions();
        if (n == 0 || accuracy[0].count() != n) {
            return null;
        }
        double[] acc = new double[MAX_N];
        double[] collision = new double[MAX_N];
        for (int a = 0; a < MAX_N; a++) {
            acc[a] = accuracy[a].mean();
            collision[a] = 2 * acc[a] - means[a].mean();
        }
        return new Terms(acc, collision);
    }

    /**
     * The two terms of each Brier-n mean (see {@link BrierLM#terms()}).
     *
     * @param accuracy mean accuracy terms P(x[:n] = y[:n]), indexed n - 1
     * @param collision mean collision terms sum_g P(g)^2, indexed n - 1
     */
    public record Terms(double[] accuracy, double[] collision) {

        /**
         * Copies the arrays.
         *
         * @param accuracy four accuracy terms
         * @param collision four collision terms
         */
        public Terms {
            accuracy = accuracy.clone();
            collision = collision.clone();
        }

        /** @return the accuracy terms, indexed n - 1 (a copy) */
        @Override
        public double[] accuracy() {
            return accuracy.clone();
        }

        /** @return the collision terms, indexed n - 1 (a copy) */
        @Override
        public double[] collision() {
            return collision.clone();
        }
    }

    /** @return the number of positions added */
    public long positions() {
        return means[0].count();
    }

    /** @return the means, standard errors and BrierLM of the positions added so far */
    public Result result() {
        long n = positions();
        double[] brier = new double[MAX_N];
        double[] standardError = new double[MAX_N];
        for (int a = 0; a < MAX_N; a++) {
            brier[a] = means[a].mean();
            standardError[a] = means[a].standardError();
        }
        double value = brierLM(brier);
        return new Result(n, brier, standardError, value, deltaMethodStandardError(value, brier, n));
    }

    /**
     * Delta method: Var(BrierLM) ~ g' Sigma g / n with {@code g_a = BrierLM / (4 m_a)} the gradient of
     * {@code 100 (prod m)^(1/4)} and Sigma the per-position covariance of the four estimates.
     */
    private double deltaMethodStandardError(double value, double[] brier, long n) {
        if (Double.isNaN(value) || n < 2) {
            return Double.NaN;
        }
        double quadratic = 0; // sum_ab Sigma_ab / (m_a m_b), so that Var = (BrierLM / 4)^2 quadratic / n
        for (int a = 0; a < MAX_N; a++) {
            quadratic += means[a].variance() / (brier[a] * brier[a]);
            for (int b = a + 1; b < MAX_N; b++) {
                quadratic += 2 * crossMoments[a][b] / (n - 1) / (brier[a] * brier[b]);
            }
        }
        // a covariance matrix is positive semi-definite: a negative value here is rounding of a zero variance
        return value / 4 * Math.sqrt(Math.max(quadratic, 0) / n);
    }

    /**
     * The BrierLM formula {@code 100 * (Brier-1 Brier-2 Brier-3 Brier-4)^(1/4)}.
     *
     * @param brier Brier-1 to Brier-4, indexed n - 1
     * @return BrierLM, or NaN (undefined) unless all four are &gt; 0
     * @throws IllegalArgumentException if the array does not hold four values
     */
    public static double brierLM(double[] brier) {
        if (brier == null || brier.length != MAX_N) {
            throw new IllegalArgumentException("BrierLM needs the " + MAX_N + " values Brier-1.." + MAX_N + ", got "
                    + (brier == null ? "null" : brier.length + " values"));
        }
        double product = 1;
        for (double b : brier) {
            if (!(b > 0)) { // also NaN
                return Double.NaN;
            }
            product *= b;
        }
        return 100 * Math.sqrt(Math.sqrt(product));
    }

    @Override
    public String toString() {
        return result().describe();
    }

    /**
     * BrierLM of a corpus with its parts.
     *
     * @param positions the number of positions evaluated
     * @param brier the corpus means of the Brier-n estimates, {@code brier[n-1]} for Brier-n (NaN with no
     *     positions)
     * @param standardError the standard errors of those means, sample standard deviation / sqrt(positions)
     *     (NaN with fewer than two positions)
     * @param brierLM {@code 100 * (Brier-1 Brier-2 Brier-3 Brier-4)^(1/4)}, or NaN when undefined because a
     *     mean is not &gt; 0 (see {@link #defined()})
     * @param brierLMStandardError the delta-method standard error of BrierLM from the per-position covariance
     *     of the four estimates (NaN when BrierLM is undefined or with fewer than two positions)
     */
    public record Result(long positions, double[] brier, double[] standardError, double brierLM,
            double brierLMStandardError) {

        /**
         * Copies the arrays, so a result never changes.
         *
         * @param positions positions evaluated
         * @param brier the four Brier-n means (copied)
         * @param standardError their four standard errors (copied)
         * @param brierLM BrierLM, or NaN when undefined
         * @param brierLMStandardError its standard error, or NaN
         * @throws IllegalArgumentException if an array does not hold exactly 4 values
         */
        public Result {
            if (brier.length != MAX_N || standardError.length != MAX_N) {
                throw new IllegalArgumentException("a BrierLM result needs " + MAX_N + " means and " + MAX_N
                        + " standard errors, got " + brier.length + " and " + standardError.length);
            }
            brier = brier.clone();
            standardError = standardError.clone();
        }

        /** @return the corpus means of Brier-1 to Brier-4, indexed n - 1 (a copy) */
        @Override
        public double[] brier() {
            return brier.clone();
        }

        /** @return the standard errors of those means, indexed n - 1 (a copy) */
        @Override
        public double[] standardError() {
            return standardError.clone();
        }

        /** @return whether BrierLM is defined: all four Brier-n means are &gt; 0 */
        public boolean defined() {
            return !Double.isNaN(brierLM);
        }

        /**
         * One line for logs, for example {@code Brier-1 0.2512 ± 0.0021, ..., Brier-4 0.0193 ± 0.0008, BrierLM
         * 5.83 ± 0.12 (12,345 positions)}; when undefined it says why, for example {@code BrierLM undefined
         * (Brier-4 = -0.00031 <= 0)}.
         *
         * @return the line
         */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (int a = 0; a < MAX_N; a++) {
                sb.append(String.format(Locale.ROOT, "Brier-%d %.4f ± %.4f, ", a + 1, brier[a], standardError[a]));
            }
            if (defined()) {
                sb.append(String.format(Locale.ROOT, "BrierLM %.2f ± %.2f", brierLM, brierLMStandardError));
            } else {
                sb.append("BrierLM undefined (").append(undefinedReason()).append(')');
            }
            return sb.append(String.format(Locale.ROOT, " (%,d positions)", positions)).toString();
        }

        private String undefinedReason() {
            if (positions == 0) {
                return "no positions";
            }
            StringBuilder sb = new StringBuilder();
            for (int a = 0; a < MAX_N; a++) {
                if (!(brier[a] > 0)) {
                    sb.append(sb.isEmpty() ? "" : ", ").append("Brier-").append(a + 1).append(" = ")
                            .append(threeDigits(brier[a])).append(" <= 0");
                }
            }
            return sb.toString();
        }

        private static String threeDigits(double v) {
            if (!Double.isFinite(v)) {
                return Double.toString(v);
            }
            return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        }

        @Override
        public String toString() {
            return describe();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && positions == r.positions && Arrays.equals(brier, r.brier)
                    && Arrays.equals(standardError, r.standardError)
                    && Double.compare(brierLM, r.brierLM) == 0
                    && Double.compare(brierLMStandardError, r.brierLMStandardError) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(positions, Arrays.hashCode(brier), Arrays.hashCode(standardError), brierLM,
                    brierLMStandardError);
        }
    }
}
