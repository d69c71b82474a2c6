/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

/**
 * Mean and standard error of a stream of per-position scores (Welford's algorithm, numerically stable), as
 * every likelihood-free estimate here is reported: a mean with its standard error.
 */
public final class RunningMean implements java.io.Serializable {

    /** Serializable as part of {@link BrierLM}. */
    private static final long serialVersionUID = 1L;

    /** Values added. */
    private long count;
    /** Their sum: the reported mean is sum / count, exact whenever the sum is. */
    private double sum;
    /** Welford's running mean, for m2. */
    private double mean;
    /** The sum of squared deviations from the running mean. */
    private double m2;

    /** @param value one observation */
    public void add(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("observation must be finite, got " + value);
        }
        count++;
        sum += value;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
    }

    /**
     * Combines another stream into this one (Chan et al.'s parallel update).
     *
     * @param other the other stream
     */
    public void merge(RunningMean other) {
        if (other.count == 0) {
            return;
        }
        long n = count + other.count;
        double delta = other.mean - mean;
        m2 += other.m2 + delta * delta * count * other.count / n;
        mean += delta * other.count / n;
        sum += other.sum;
        count = n;
    }

    /** @return the number of observations */
    public long count() {
        return count;
    }

    /**
     * The sum of the observations over their count, not Welford's running mean: the sum is exact while it stays an
     * integer below 2^53 (two-sample Brier-n estimates are integers), so estimates that cancel give exactly 0 where
     * the running mean would leave a rounding residue such as 4e-19.
     *
     * @return the sample mean (NaN before the first observation)
     */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** @return the unbiased sample variance (NaN with fewer than two observations) */
    public double variance() {
        return count < 2 ? Double.NaN : m2 / (count - 1);
    }

    /** @return the standard error of the mean, sqrt(variance / n) */
    public double standardError() {
        return Math.sqrt(variance() / count);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.6f ± %.6f (n=%d)", mean(), standardError(), count);
    }
}
