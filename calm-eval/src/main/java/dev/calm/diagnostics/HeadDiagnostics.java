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
 *   <li>{@code brier1}: Brier-1 of the samples' first tokens, 1{x1 = y} + 1{x2 = y} - 1{x1 = x2}, and
 *       {@code firstTokenAccuracy} = mean 1{x = y};
 *   <li>{@code chunkAccuracy}: the share of samples that decode to the whole true chunk.
 * </ul>
 *
 * @param positions chunk boundaries measured
 * @param distanceToTrue mean distance of a sample to the true next chunk's posterior mean
 * @param distanceToRandom mean distance of a sample to a random chunk's posterior mean
 * @param onManifold share of samples whose decoded chunk re-encodes within 3 posterior std (RMS z-score)
 * @param brier1 Brier-1 of the samples' first tokens (two samples per position)
 * @param firstTokenAccuracy share of samples whose first token is the true one
 * @param chunkAccuracy share of samples that decode to the true chunk
 */
public record HeadDiagnostics(long positions, double distanceToTrue, double distanceToRandom, double onManifold,
        double brier1, double firstTokenAccuracy, double chunkAccuracy) {

    /** The RMS z-score within which a re-encoded sample counts as on the manifold. */
    public static final double MANIFOLD_Z = 3;

    /** @return distanceToTrue / distanceToRandom: below 1 when the samples depend on the context */
    public double distanceRatio() {
        return distanceToTrue / distanceToRandom;
    }

    /**
     * @param calm the model, with its frozen autoencoder
     * @param blocks held-out token blocks of one length, a multiple of K and at least 2K
     * @param batchSize blocks per forward pass
     * @param rng the source of head noise and of the random chunks
     * @param root the manager of the model's parameters
     * @return the diagnostics
     */
    public static HeadDiagnostics measure(Calm calm, int[][] blocks, int batchSize, Rng rng, NDManager root) {
        int k = calm.patchSize();
        if (blocks.length == 0 || blocks[0].length % k != 0 || blocks[0].length < 2 * k) {
            throw new CalmException("head diagnostics need held-out blocks of a multiple of K = " + k
                    + " tokens, at least 2K long");
        }
        double[] sums = new double[6];
        long positions = 0;
        try (var grad = Backend.noGrad()) {
            for (int from = 0; from < blocks.length; from += batchSize) {
                int[][] batch = Arrays.copyOfRange(blocks, from, Math.min(blocks.length, from + batchSize));
                try (StepScope step = StepScope.open(root)) {
                    positions += measureBatch(calm, step.manager().create(batch).toType(DataType.INT64, false), rng,
                            step.manager(), sums);
                }
            }
        }
        return new HeadDiagnostics(positions, sums[0] / (2 * positions), sums[1] / (2 * positions),
                sums[2] / (2 * positions), sums[3] / positions, sums[4] / (2 * positions), sums[5] / (2 * positions));
    }

    /** Adds one batch's sums into {distance to true, to random, on manifold, Brier-1, first-token hits, chunk hits}. */
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
            long y = gold[i * k];
            long x1 = ids[i * k];
            long x2 = ids[(int) (p + i) * k];
            sums[3] += (x1 == y ? 1 : 0) + (x2 == y ? 1 : 0) - (x1 == x2 ? 1 : 0);
            sums[4] += (x1 == y ? 1 : 0) + (x2 == y ? 1 : 0);
            for (int s = 0; s < 2; s++) {
                boolean whole = true;
                for (int j = 0; j < k && whole; j++) {
                    whole = ids[(int) (s * p + i) * k + j] == gold[i * k + j];
                }
                sums[5] += whole ? 1 : 0;
            }
        }
        return p;
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
        out.put("head_brier1", brier1);
        out.put("head_first_token_accuracy", firstTokenAccuracy);
        out.put("head_chunk_accuracy", chunkAccuracy);
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "head on %,d positions: distance to the true chunk %.3f vs a random one %.3f "
                + "(ratio %.3f), on the manifold %.1f%%, Brier-1 %.4f, first-token accuracy %.4f, chunk accuracy %.4f",
                positions, distanceToTrue, distanceToRandom, distanceRatio(), 100 * onManifold, brier1,
                firstTokenAccuracy, chunkAccuracy);
    }
}
