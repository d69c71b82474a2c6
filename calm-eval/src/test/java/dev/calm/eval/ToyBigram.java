/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static dev.calm.eval.BrierScore.MAX_N;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A bigram language model over a few symbols, small enough to enumerate every n-gram: the "data" and the
 * "model" of the Brier tests, with the exact Brier-n and the per-position estimators the evaluator would feed.
 */
final class ToyBigram {

    /** {@code next[prev][x] = P(x | prev)}. */
    private final double[][] next;

    private ToyBigram(double[][] next) {
        this.next = next;
    }

    /**
     * @param r seeded source
     * @param vocabulary number of symbols
     * @param peakiness scale of the Gaussian log-weights of each row (0: uniform rows)
     * @return a bigram with random transition rows {@code softmax(peakiness * N(0, 1))}
     */
    static ToyBigram random(SplittableRandom r, int vocabulary, double peakiness) {
        double[][] next = new double[vocabulary][vocabulary];
        for (double[] row : next) {
            for (int x = 0; x < vocabulary; x++) {
                row[x] = Math.exp(peakiness * r.nextGaussian());
            }
            normalize(row);
        }
        return new ToyBigram(next);
    }

    /** @return each row raised to the given power and renormalized (power &gt; 1 sharpens, &lt; 1 flattens) */
    ToyBigram tempered(double power) {
        double[][] out = new double[next.length][];
        for (int p = 0; p < next.length; p++) {
            out[p] = next[p].clone();
            for (int x = 0; x < out[p].length; x++) {
                out[p][x] = Math.pow(out[p][x], power);
            }
            normalize(out[p]);
        }
        return new ToyBigram(out);
    }

    /** @return {@code (1 - weight) P + weight Uniform}, row by row */
    ToyBigram mixedWithUniform(double weight) {
        double[][] uniform = new double[next.length][next.length];
        for (double[] row : uniform) {
            Arrays.fill(row, 1.0 / next.length);
        }
        return mixture(this, new ToyBigram(uniform), weight);
    }

    /** @return {@code (1 - weight) a + weight b}, row by row */
    static ToyBigram mixture(ToyBigram a, ToyBigram b, double weight) {
        double[][] out = new double[a.next.length][a.next.length];
        for (int p = 0; p < out.length; p++) {
            for (int x = 0; x < out.length; x++) {
                out[p][x] = (1 - weight) * a.next[p][x] + weight * b.next[p][x];
            }
        }
        return new ToyBigram(out);
    }

    int vocabulary() {
        return next.length;
    }

    double probability(int prev, int x) {
        return next[prev][x];
    }

    /** @return {@code sum_x P(x | prev)^2} */
    double collision(int prev) {
        double sum = 0;
        for (double p : next[prev]) {
            sum += p * p;
        }
        return sum;
    }

    /** @return a sampled path of the given length after the context symbol */
    long[] sample(int context, int length, SplittableRandom r) {
        long[] path = new long[length];
        int prev = context;
        for (int j = 0; j < length; j++) {
            double u = r.nextDouble();
            int x = 0;
            while (x < next.length - 1 && (u -= next[prev][x]) >= 0) {
                x++;
            }
            path[j] = x;
            prev = x;
        }
        return path;
    }

    /** @return {@code P(g | context)} of an n-gram */
    double probability(int context, long[] gram) {
        double p = 1;
        int prev = context;
        for (long x : gram) {
            p *= next[prev][(int) x];
            prev = (int) x;
        }
        return p;
    }

    /**
     * The exact Brier-n of this model against data, by enumerating all n-grams g:
     * {@code sum_g data(g) 2 model(g) - sum_g model(g)^2}, everything conditioned on the context symbol.
     */
    static double exactBrier(ToyBigram data, ToyBigram model, int context, int n) {
        int v = model.vocabulary();
        int grams = (int) Math.pow(v, n);
        double sum = 0;
        long[] gram = new long[n];
        for (int code = 0; code < grams; code++) {
            for (int j = 0, c = code; j < n; j++, c /= v) {
                gram[j] = c % v;
            }
            double q = model.probability(context, gram);
            sum += 2 * data.probability(context, gram) * q - q * q;
        }
        return sum;
    }

    /** One evaluated position: both estimators of Brier-1..4, from the same gold and sampled tokens. */
    record Position(double[] sampled, double[] withProbabilities) {
    }

    /**
     * Simulates one evaluated position as the evaluator does it: gold y from data, two independent 4-token
     * sampled paths from the model, gold probabilities by teacher forcing, collision probabilities along x1.
     */
    static Position position(ToyBigram data, ToyBigram model, int context, SplittableRandom r) {
        long[] y = data.sample(context, MAX_N, r);
        long[] x1 = model.sample(context, MAX_N, r);
        long[] x2 = model.sample(context, MAX_N, r);
        double[] gold = new double[MAX_N];
        double[] collision = new double[MAX_N];
        for (int j = 0, goldPrev = context, samplePrev = context; j < MAX_N; j++) {
            gold[j] = model.probability(goldPrev, (int) y[j]);
            collision[j] = model.collision(samplePrev);
            goldPrev = (int) y[j];
            samplePrev = (int) x1[j];
        }
        return new Position(BrierScore.sampledAll(y, x1, x2), BrierScore.withProbabilitiesAll(gold, x1, x2, collision));
    }

    private static void normalize(double[] row) {
        double sum = 0;
        for (double w : row) {
            sum += w;
        }
        for (int x = 0; x < row.length; x++) {
            row[x] /= sum;
        }
    }
}
