/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.diagnostics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.energy.Calm;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What CALM's generative head makes of its context, on held-out chunk boundaries (the small-scale study,
 * docs/measured.md). At every position two head samples x of the next latent are drawn and compared with the
 * posterior mean mu of the true next chunk and with that of a random other chunk of the batch:
 *
 * <ul>
 *   <li>{@code distanceToTrue} = mean ||x - mu_true|| against {@code distanceToRandom} = mean ||x - mu_random||:
 *       a head that ignores its context has a ratio of 1;
 *   <li>{@code onManifold}: the share of samples that decode to tokens whose re-encoding lands near the sample,
 *       sqrt(mean_d ((x_d - mu'_d) / sigma'_d)^2) &lt;= 3 with q(z | decode(x)) = N(mu', sigma'^2): samples the
 *       decoder reads as a chunk rather than as noise;
 *   <li>{@code accuracy[n - 1]} = mean 1{x[:n] = y[:n]}, how often a sample's first n tokens are the true ones,
 *       and {@code collision[n - 1]} = mean 1{x1[:n] = x2[:n]}, how often the two samples agree on them, for n = 1
 *       to K. Their expectations are sum_g P(g) Q(g) and sum_g P(g)^2 for the model's n-gram distribution P and
 *       the data's Q, so {@code 2 accuracy - collision} is the sampled Brier-n within a chunk, and
 *       {@link #overconfidence} = collision / accuracy is 1 for a calibrated model (P = Q): above 1, the samples
 *       agree with each other more often than with the data, which drives Brier-n below 0.
 * </ul>
 *
 * @param positions chunk boundaries measured
 * @param distanceToTrue mean distance of a sample to the true next chunk's posterior mean
 * @param distanceToRandom mean distance of a sample to a random chunk's posterior mean
 * @param onManifold share of samples whose decoded chunk re-encodes within 3 posterior std (RMS z-score)
 * @param accuracy per n = 1..K, the share of samples whose first n tokens are the true ones (K values)
 * @param collision per n = 1..K, the share of positions where the two samples' first n tokens agree (K values)
 */
public record HeadDiagnostics(long positions, double distanceToTrue, double distanceToRandom, double onManifold,
        double[] accuracy, double[] collision) {

    /** The RMS z-score within which a re-encoded sample counts as on the manifold. */
    public static final double MANIFOLD_Z = 3;

    /**
     * Copies the arrays, so the diagnostics never change.
     *
     * @param positions chunk boundaries measured
     * @param distanceToTrue mean distance of a sample to the true next chunk's posterior mean
     * @param distanceToRandom mean distance of a sample to a random chunk's posterior mean
     * @param onManifold share of samples on the manifold
     * @param accuracy per n = 1..K, the share of samples whose first n tokens are the true ones
     * @param collision per n = 1..K, the share of positions where the two samples' first n tokens agree
     * @throws IllegalArgumentException if the two arrays differ in length or are empty
     */
    public HeadDiagnostics {
        if (accuracy.length == 0 || accuracy.length != collision.length) {
            throw new IllegalArgumentException("head diagnostics need K accuracies and K collision rates, got "
                    + accuracy.length + " and " + collision.length);
        }
        accuracy = accuracy.clone();
        collision = collision.clone();
    }

    /** @return per n = 1..K, the share of samples whose first n tokens are the true ones (a copy) */
    @Override
    public double[] accuracy() {
        return accuracy.clone();
    }

    /** @return per n = 1..K, the share of positions where the two samples' first n tokens agree (a copy) */
    @Override
    public double[] collision() {
        return collision.clone();
    }

    /**
     * @param n the n of Brier-n, 1 to K
     * @return the sampled Brier-n of the samples within a chunk, 2 accuracy - collision
     */
    public double brier(int n) {
        return 2 * accuracy[n - 1] - collision[n - 1];
    }

    /** @return Brier-1 of the samples' first tokens */
    public double brier1() {
        return brier(1);
    }

    /** @return the share of samples whose first token is the true one */
    public double firstTokenAccuracy() {
        return accuracy[0];
    }

    /** @return the share of samples that decode to the whole true chunk */
    public double chunkAccuracy() {
        return accuracy[accuracy.length - 1];
    }

    /**
     * @param n 1 to K
     * @return collision / accuracy of the first n tokens: 1 for a calibrated model, above 1 for one whose samples
     *     agree with each other more often than with the data (NaN when no sample was right)
     */
    public double overconfidence(int n) {
        return accuracy[n - 1] > 0 ? collision[n - 1] / accuracy[n - 1] : Double.NaN;
    }

    /** @return distanceToTrue / distanceToRandom: below 1 when the samples depend on the context */
    public double distanceRatio() {
        return distanceToTrue / distanceToRandom;
    }

    /**
     * @param calm the model, with its frozen autoencoder
     * @param blocks held-out token blocks of one length, a multiple of K and at least 2K
     * @param batchSize blocks per forward pass
     * @param rng the source of head noise and of the random chunks
     * @return the diagnostics
     */
    public static HeadDiagnostics measure(Calm calm, int[][] blocks, int batchSize, Rng rng) {
        int k = calm.patchSize();
        if (blocks.length == 0 || blocks[0].length % k != 0 || blocks[0].length < 2 * k) {
            throw new CalmException("head diagnostics need held-out blocks of a multiple of K = " + k
                    + " tokens, at least 2K long");
        }
        double[] sums = new double[3 + 2 * k];
        long positions = 0;
        try (var grad = Backend.noGrad()) {
            for (int from = 0; from < blocks.length; from += batchSize) {
                int[][] batch = Arrays.copyOfRange(blocks, from, Math.min(blocks.length, from + batchSize));
                try (StepScope step = StepScope.open(calm.manager())) {
                    positions += measureBatch(calm, step.manager().create(batch).toType(DataType.INT64, false), rng,
                            step.manager(), sums);
                }
            }
        }
        double[] accuracy = new double[k];
        double[] collision = new double[k];
        for (int n = 1; n <= k; n++) {
            accuracy[n - 1] = sums[2 + n] / (2 * positions);
            collision[n - 1] = sums[2 + k + n] / positions;
        }
        return new HeadDiagnostics(positions, sums[0] / (2 * positions), sums[1] / (2 * positions),
                sums[2] / (2 * positions), accuracy, collision);
    }

    /**
     * Adds one batch's sums into {distance to true, to random, on manifold, hits of the first n = 1..K tokens,
     * collisions of the first n = 1..K tokens}.
     */
    private static long measureBatch(Calm calm, NDArray tokens, Rng rng, NDManager m, double[] sums) {
        int k = calm.patchSize();
        long b = tokens.getShape().get(0);
        long t = tokens.getShape().get(1);
        long p = b * (t / k - 1); // positions: chunk i predicts chunk i + 1
        NDArray h = calm.hidden(tokens.get(":, :-" + k), null).reshape(p, -1); // [P, d]
        NDArray truth = tokens.get(":, " + k + ":").reshape(p, k); // [P, K]
        NDArray mu = calm.autoencoder().encode(truth.reshape(1, p * k)).mean().reshape(p, -1); // [P, l]
        long[] order = shuffled(p, rng);
        NDArray random = mu.get(m.create(order)); // [P, l], another chunk's mean
        NDArray x = calm.head().sample(h, 2, rng); // [2, P, l]
        sums[0] += x.sub(mu).norm(new int[] {2}).sum().getFloat();
        sums[1] += x.sub(random).norm(new int[] {2}).sum().getFloat();
        NDArray decoded = calm.decode(x).reshape(2, p, k); // [2, P, K]
        Posterior again = calm.autoencoder().encode(decoded.reshape(1, 2 * p * k)); // [1, 2P, l]
        NDArray z = x.reshape(2 * p, -1).sub(again.mean().reshape(2 * p, -1)).div(again.std().reshape(2 * p, -1));
        sums[2] += z.square().mean(new int[] {1}).sqrt().lte(MANIFOLD_Z).toType(DataType.FLOAT32, false).sum().getFloat();
        long[] ids = decoded.toLongArray(); // [2][P][K]
        long[] gold = truth.toLongArray(); // [P][K]
        for (int i = 0; i < p; i++) {
            int first = i * k; // sample s of position i starts at (s P + i) K
            int second = (int) (p + i) * k;
            for (int n = 1; n <= k; n++) {
                sums[2 + n] += prefixEquals(ids, first, gold, first, n) + prefixEquals(ids, second, gold, first, n);
                sums[2 + k + n] += prefixEquals(ids, first, ids, second, n);
            }
        }
        return p;
    }

    /** @return 1 if a[from a, + n) equals b[from b, + n), else 0 */
    private static int prefixEquals(long[] a, int fromA, long[] b, int fromB, int n) {
        for (int j = 0; j < n; j++) {
            if (a[fromA + j] != b[fromB + j]) {
                return 0;
            }
        }
        return 1;
    }

    /** A uniformly random permutation of 0 .. n-1 (Fisher-Yates): position i is compared with chunk order[i]. */
    private static long[] shuffled(long n, Rng rng) {
        var random = rng.javaRandom();
        long[] out = new long[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        for (int i = (int) n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = out[i];
            out[i] = out[j];
            out[j] = swap;
        }
        return out;
    }

    /** @return the diagnostics under the names they are logged with in {@code metrics.jsonl} */
    public Map<String, Double> metrics() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("head_distance_true", distanceToTrue);
        out.put("head_distance_random", distanceToRandom);
        out.put("head_on_manifold", onManifold);
        out.put("head_brier1", brier1());
        out.put("head_first_token_accuracy", firstTokenAccuracy());
        out.put("head_chunk_accuracy", chunkAccuracy());
        for (int n = 1; n <= accuracy.length; n++) {
            out.put("head_accuracy_" + n, accuracy[n - 1]);
            out.put("head_collision_" + n, collision[n - 1]);
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "head on %,d positions: distance to the true chunk %.3f vs a random one %.3f "
                + "(ratio %.3f), on the manifold %.1f%%, Brier-1 %.4f, first-token accuracy %.4f, chunk accuracy %.4f, "
                + "collision / accuracy of the first token %.2f and of the chunk %.2f",
                positions, distanceToTrue, distanceToRandom, distanceRatio(), 100 * onManifold, brier1(),
                firstTokenAccuracy(), chunkAccuracy(), overconfidence(1), overconfidence(accuracy.length));
    }
}
