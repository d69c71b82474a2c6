/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

/**
 * Unbiased per-position estimates of the Brier score {@code Brier(P, y) = 2 P(y) - sum_x P(x)^2} of a model
 * {@code P} at a gold outcome {@code y}, the building block of {@link BrierLM}. Brier-n treats the next n
 * tokens as one outcome: an n-gram counts as right only if all n of its tokens are.
 *
 * <p>Two estimators, both unbiased for Brier-n, so their averages over a corpus estimate the same number:
 * <ul>
 *   <li>{@link #sampled}: likelihood-free, from two independent samples of the model, for models that can only
 *       sample (CALM);</li>
 *   <li>{@link #withProbabilities}: exact accuracy term and a sampled collision term, for models that give
 *       next-token probabilities (the token baseline); it has lower variance.</li>
 * </ul>
 * Token sequences are {@code long[]} ids; only the first n entries (n - 1 for the sampled paths of
 * {@link #withProbabilities}) are read, so longer arrays are fine.
 */
public final class BrierScore {

    /** The largest n of Brier-n that BrierLM uses: Brier-1 to Brier-4. */
    public static final int MAX_N = 4;

    /** Rounding slack above 1 allowed for probabilities computed in float precision (e.g. by a softmax). */
    private static final double PROBABILITY_SLACK = 1e-3;

    private BrierScore() {
    }

    /**
     * The likelihood-free estimate of Brier-n from two independent model samples:
     * {@code 1{x1[:n] = y[:n]} + 1{x2[:n] = y[:n]} - 1{x1[:n] = x2[:n]}}, whose expectation over the samples is
     * {@code 2 P(y[:n]) - sum_g P(g)^2} (the n-gram Brier score). One of -1, 0 or 1
     * (two right samples always collide).
     *
     * @param y the gold next tokens, at least n
     * @param x1 the model's first sample of the next tokens, at least n
     * @param x2 the model's second sample, independent of the first given the context, at least n
     * @param n the n of Brier-n, 1 to {@link #MAX_N}
     * @return the estimate
     * @throws IllegalArgumentException if n is out of range or an array is shorter than n
     */
    public static double sampled(long[] y, long[] x1, long[] x2, int n) {
        checkN(n);
        checkLength("y", y, n);
        checkLength("x1", x1, n);
        checkLength("x2", x2, n);
        return indicator(x1, y, n) + indicator(x2, y, n) - indicator(x1, x2, n);
    }

    /**
     * {@link #sampled} for n = 1 to {@link #MAX_N} at once.
     *
     * @param y the gold next tokens, at least {@link #MAX_N}
     * @param x1 the model's first sample of the next tokens, at least {@link #MAX_N}
     * @param x2 the model's second, independent sample, at least {@link #MAX_N}
     * @return the estimates of Brier-1 to Brier-4, indexed n - 1
     * @throws IllegalArgumentException if an array is shorter than {@link #MAX_N}
     */
    public static double[] sampledAll(long[] y, long[] x1, long[] x2) {
        double[] brier = new double[MAX_N];
        for (int n = 1; n <= MAX_N; n++) {
            brier[n - 1] = sampled(y, x1, x2, n);
        }
        return brier;
    }

    /**
     * The likelihood-free estimate of Brier-1 to Brier-4 from S &gt;= 2 independent samples, the U-statistic that
     * generalises {@link #sampledAll(long[], long[], long[])}:
     *
     * <pre>  Brier-n = 2/S sum_i 1{x_i[:n] = y[:n]}  -  2/(S(S-1)) sum_{i &lt; j} 1{x_i[:n] = x_j[:n]}</pre>
     *
     * Each indicator keeps its expectation (P(y[:n]), and sum_g P(g)^2 for a pair), so the estimate is unbiased
     * like the two-sample one, with a variance that falls as the samples grow: more samples of the same positions
     * rather than more positions, which is cheap for a model whose one step gives the 4 tokens (CALM with K
     * &gt;= 4). With S = 2 it is the two-sample estimate.
     *
     * @param y the gold next tokens, at least {@link #MAX_N}
     * @param samples S independent samples of the next tokens, each at least {@link #MAX_N}
     * @return the estimates of Brier-1 to Brier-4, indexed n - 1
     * @throws IllegalArgumentException if there are fewer than 2 samples or an array is too short
     */
    public static double[] sampledAll(long[] y, long[][] samples) {
        int s = samples.length;
        if (s < 2) {
            throw new IllegalArgumentException("the sampled Brier estimate needs at least 2 samples, got " + s);
        }
        checkLength("y", y, MAX_N);
        for (long[] x : samples) {
            checkLength("a sample", x, MAX_N);
        }
        double[] brier = new double[MAX_N];
        for (int n = 1; n <= MAX_N; n++) {
            double hits = 0;
            double collisions = 0;
            for (int i = 0; i < s; i++) {
                hits += indicator(samples[i], y, n);
                for (int j = i + 1; j < s; j++) {
                    collisions += indicator(samples[i], samples[j], n);
                }
            }
            brier[n - 1] = 2 * hits / s - 2 * collisions / ((double) s * (s - 1));
        }
        return brier;
    }

    /**
     * {@link #sampledAll(long[], long[], long[])} with the accuracy and collision terms taken from different
     * pairs of samples, as when a step is shorter than 4 tokens: each accuracy indicator needs one sample whose
     * every step is drawn given the gold prefix (samples at successive teacher-forced positions), while the
     * collision indicator needs two paths that continue together only while they agree (a branch of the KV
     * cache along the first path). Each term keeps its expectation, so the estimate stays unbiased:
     *
     * <pre>  Brier-n = 1{a1[:n] = y[:n]} + 1{a2[:n] = y[:n]} - 1{c1[:n] = c2[:n]}</pre>
     *
     * @param y the gold next tokens, at least {@link #MAX_N}
     * @param a1 a sample of the next tokens, each step drawn given the gold prefix
     * @param a2 another such sample, independent of a1
     * @param c1 a sampled path of the next tokens
     * @param c2 a second path, drawn independently of c1 at each step where their prefixes agree
     * @return the estimates of Brier-1 to Brier-4, indexed n - 1
     * @throws IllegalArgumentException if an array is shorter than {@link #MAX_N}
     */
    public static double[] sampledAll(long[] y, long[] a1, long[] a2, long[] c1, long[] c2) {
        checkLength("y", y, MAX_N);
        checkLength("a1", a1, MAX_N);
        checkLength("a2", a2, MAX_N);
        checkLength("c1", c1, MAX_N);
        checkLength("c2", c2, MAX_N);
        double[] brier = new double[MAX_N];
        for (int n = 1; n <= MAX_N; n++) {
            brier[n - 1] = indicator(a1, y, n) + indicator(a2, y, n) - indicator(c1, c2, n);
        }
        return brier;
    }

    /**
     * The lower-variance estimate of Brier-n for a model that gives probabilities:
     * {@code 2 prod_{j<n} goldProbabilities[j] - 1{x1[:n-1] = x2[:n-1]} collision[n-1]}.
     *
     * <p>The accuracy term is exact: {@code prod_{j<n} P(y_j | context, y_<j) = P(y[:n])}. The collision term
     * is unbiased for {@code sum_g P(g)^2} over n-grams g: with x1 and x2 two independent sampled paths,
     * {@code E[1{x1[:n-1] = x2[:n-1]} sum_x P(x | context, x1[:n-1])^2] = sum_{prefix} P(prefix)^2
     * sum_x P(x | prefix)^2 = sum_g P(g)^2}. For n = 1 the empty prefixes always agree and the term is the
     * exact {@code collision[0] = sum_x P(x | context)^2}.
     *
     * @param goldProbabilities {@code P(y_j | context, y_<j)} for j &lt; n (teacher forcing), at least n,
     *     each in [0, 1]
     * @param x1 the model's first sampled path of the next tokens, at least n - 1
     * @param x2 the model's second, independent sampled path, at least n - 1
     * @param collision {@code collision[j] = sum_x P(x | context, x1[:j])^2} along x1's path, at least n;
     *     only {@code collision[n-1]} is read, and only when {@code x1[:n-1] = x2[:n-1]}, so entries past the
     *     point where the paths part may hold anything
     * @param n the n of Brier-n, 1 to {@link #MAX_N}
     * @return the estimate
     * @throws IllegalArgumentException if n is out of range, an array is too short, or a probability read is
     *     not finite or outside [0, 1]
     */
    public static double withProbabilities(double[] goldProbabilities, long[] x1, long[] x2, double[] collision,
            int n) {
        checkN(n);
        checkLength("goldProbabilities", goldProbabilities, n);
        checkLength("x1", x1, n - 1);
        checkLength("x2", x2, n - 1);
        checkLength("collision", collision, n);
        double accuracy = 2;
        for (int j = 0; j < n; j++) {
            accuracy *= checkProbability("goldProbabilities", goldProbabilities, j);
        }
        if (!prefixesEqual(x1, x2, n - 1)) {
            return accuracy;
        }
        return accuracy - checkProbability("collision", collision, n - 1);
    }

    /**
     * {@link #withProbabilities} for n = 1 to {@link #MAX_N} at once.
     *
     * @param goldProbabilities {@code P(y_j | context, y_<j)}, at least {@link #MAX_N}
     * @param x1 the model's first sampled path, at least {@link #MAX_N} - 1
     * @param x2 the model's second, independent sampled path, at least {@link #MAX_N} - 1
     * @param collision {@code sum_x P(x | context, x1[:j])^2} along x1's path, at least {@link #MAX_N}
     * @return the estimates of Brier-1 to Brier-4, indexed n - 1
     * @throws IllegalArgumentException as {@link #withProbabilities}
     */
    public static double[] withProbabilitiesAll(double[] goldProbabilities, long[] x1, long[] x2,
            double[] collision) {
        double[] brier = new double[MAX_N];
        for (int n = 1; n <= MAX_N; n++) {
            brier[n - 1] = withProbabilities(goldProbabilities, x1, x2, collision, n);
        }
        return brier;
    }

    /**
     * The accuracy terms behind the sampled estimates: for each n, the share of samples whose first n tokens are
     * the gold ones, an unbiased estimate of {@code P(y[:n])}. With the collision term {@code sum_g P(g)^2},
     * {@code Brier-n = 2 accuracy - collision}: a model with a low Brier-n either rarely produces the truth or
     * repeats itself, and the two terms say which.
     *
     * @param y the gold next tokens, at least {@link #MAX_N}
     * @param samples the samples the estimate used (all of them: the accuracy samples of
     *     {@link #sampledAll(long[], long[], long[], long[], long[])} are {@code a1} and {@code a2})
     * @return the accuracy terms of n = 1 to 4, indexed n - 1
     * @throws IllegalArgumentException if there are no samples or an array is too short
     */
    public static double[] accuracyAll(long[] y, long[]... samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("the accuracy term needs at least one sample");
        }
        checkLength("y", y, MAX_N);
        double[] accuracy = new double[MAX_N];
        for (long[] x : samples) {
            checkLength("a sample", x, MAX_N);
            for (int n = 1; n <= MAX_N; n++) {
                accuracy[n - 1] += indicator(x, y, n);
            }
        }
        for (int n = 0; n < MAX_N; n++) {
            accuracy[n] /= samples.length;
        }
        return accuracy;
    }

    /**
     * The exact accuracy terms of {@link #withProbabilitiesAll}: {@code P(y[:n]) = prod_{j<n} P(y_j | y_<j)}.
     *
     * @param goldProbabilities {@code P(y_j | context, y_<j)}, at least {@link #MAX_N}, each in [0, 1]
     * @return the accuracy terms of n = 1 to 4, indexed n - 1
     * @throws IllegalArgumentException if the array is too short or holds a value that is not a probability
     */
    public static double[] accuracyWithProbabilitiesAll(double[] goldProbabilities) {
        checkLength("goldProbabilities", goldProbabilities, MAX_N);
        double[] accuracy = new double[MAX_N];
        double p = 1;
        for (int n = 0; n < MAX_N; n++) {
            p *= checkProbability("goldProbabilities", goldProbabilities, n);
            accuracy[n] = p;
        }
        return accuracy;
    }

    private static int indicator(long[] a, long[] b, int n) {
        return prefixesEqual(a, b, n) ? 1 : 0;
    }

    private static boolean prefixesEqual(long[] a, long[] b, int n) {
        for (int j = 0; j < n; j++) {
            if (a[j] != b[j]) {
                return false;
            }
        }
        return true;
    }

    private static void checkN(int n) {
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("Brier-n needs n in 1.." + MAX_N + ", got " + n);
        }
    }

    private static void checkLength(String name, long[] array, int needed) {
        if (array == null || array.length < needed) {
            throw new IllegalArgumentException(name + " must hold at least " + needed + " tokens, got "
                    + (array == null ? "null" : array.length));
        }
    }

    private static void checkLength(String name, double[] array, int needed) {
        if (array == null || array.length < needed) {
            throw new IllegalArgumentException(name + " must hold at least " + needed + " probabilities, got "
                    + (array == null ? "null" : array.length));
        }
    }

    private static double checkProbability(String name, double[] array, int index) {
        double p = array[index];
        if (!(p >= 0 && p <= 1 + PROBABILITY_SLACK)) { // also rejects NaN
            throw new IllegalArgumentException(name + "[" + index + "] must be a probability in [0, 1], got " + p);
        }
        return p;
    }
}
