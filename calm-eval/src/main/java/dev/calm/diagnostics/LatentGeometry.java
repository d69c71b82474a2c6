/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.diagnostics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a trained autoencoder lays chunks out in its latent space, the geometry the energy head must learn in
 * (the small-scale study, docs/measured.md). From the posteriors q(z | x) = N(mu, sigma^2) of held-out chunks:
 *
 * <ul>
 *   <li>the mean distance ||mu_i - mu_j|| of random pairs of chunks, and of pairs whose first j tokens are equal
 *       and whose (j+1)-th differs, j = 1 .. K-1: how much of the distance the first tokens explain;
 *   <li>the mean posterior std against the per-dimension RMS of the means, sqrt(mean_i mu_id^2) averaged over d;
 *   <li>token accuracy of decoding mu + c sigma * eps, c = 0, 1, 2, 3: how far from its mean a sample may land;
 *   <li>the dimensions whose KL, 0.5 (mu^2 + sigma^2 - 1 - 2 log sigma) averaged over chunks, is at or below the
 *       training clamp (at least 0.01): collapsed, carrying no information.
 * </ul>
 *
 * @param chunks held-out chunks measured
 * @param latentSize l
 * @param randomPairDistance mean ||mu_i - mu_j|| over random pairs
 * @param prefixPairDistance [j-1]: mean distance of pairs sharing exactly their first j tokens, j = 1 .. K-1 (NaN
 *     where no such pair exists)
 * @param prefixPairs [j-1]: how many such pairs were averaged
 * @param posteriorStd mean of sigma over chunks and dimensions
 * @param meanRms per-dimension RMS of the means, averaged over dimensions
 * @param noiseMultiples the c of the noisy decodes
 * @param noisyTokenAccuracy token accuracy of decoding mu + c sigma * eps, one per c
 * @param collapsedDimensions dimensions whose mean KL is at or below the clamp
 * @param meanKlPerDimension mean KL per dimension and chunk, nats
 */
public record LatentGeometry(int chunks, int latentSize, double randomPairDistance, double[] prefixPairDistance,
        long[] prefixPairs, double posteriorStd, double meanRms, double[] noiseMultiples, double[] noisyTokenAccuracy,
        int collapsedDimensions, double meanKlPerDimension) {

    /** Pairs averaged per distance. */
    private static final int PAIRS = 20_000;
    /** Noise multiples of the posterior std at which decoding is measured. */
    private static final double[] NOISE = {0, 1, 2, 3};

    /** @return posterior std over the per-dimension RMS of the means */
    public double stdOverRms() {
        return posteriorStd / meanRms;
    }

    /**
     * Measures the geometry on held-out blocks.
     *
     * @param ae a trained autoencoder
     * @param blocks token blocks of one length, a multiple of K (for example {@code TokenBlocks.sample(64)})
     * @param rng the source of the sampled pairs and the decoding noise
     * @return the report
     */
    public static LatentGeometry measure(Autoencoder ae, int[][] blocks, Rng rng) {
        int k = ae.config().patchSize();
        int l = ae.config().latentSize();
        if (blocks.length == 0 || blocks[0].length % k != 0) {
            throw new CalmException("latent geometry needs held-out blocks of a multiple of K = " + k + " tokens");
        }
        int perBlock = blocks[0].length / k;
        int n = blocks.length * perBlock;
        float[] mu = new float[n * l];
        float[] logStd = new float[n * l];
        long[] hits = new long[NOISE.length];
        Rng noise = rng.fork("noise");
        try (var grad = Backend.noGrad()) {
            for (int from = 0; from < blocks.length; from += 16) {
                int[][] batch = Arrays.copyOfRange(blocks, from, Math.min(blocks.length, from + 16));
                try (StepScope step = StepScope.open(ae.manager())) {
                    NDArray tokens = step.manager().create(batch).toType(DataType.INT64, false); // [B, T]
                    Posterior q = ae.encode(tokens); // [B, T/K, l]
                    int offset = from * perBlock * l;
                    System.arraycopy(q.mean().toFloatArray(), 0, mu, offset, batch.length * perBlock * l);
                    System.arraycopy(q.logStd().toFloatArray(), 0, logStd, offset, batch.length * perBlock * l);
                    for (int c = 0; c < NOISE.length; c++) {
                        NDArray z = NOISE[c] == 0 ? q.mean() : q.mean().add(
                                noise.normal(step.manager(), q.mean().getShape(), 0f, 1f).mul(q.std()).mul(NOISE[c]));
                        hits[c] += ae.decode(z).argMax(-1).eq(tokens).toType(DataType.INT64, false).sum().getLong();
                    }
                }
            }
        }
        int[][] chunks = new int[n][];
        for (int b = 0; b < blocks.length; b++) {
            for (int c = 0; c < perBlock; c++) {
                chunks[b * perBlock + c] = Arrays.copyOfRange(blocks[b], c * k, (c + 1) * k);
            }
        }
        double[] accuracy = new double[NOISE.length];
        for (int c = 0; c < NOISE.length; c++) {
            accuracy[c] = (double) hits[c] / ((long) n * k);
        }
        return of(chunks, mu, logStd, l, ae.config().klClamp(), NOISE.clone(), accuracy, rng.fork("pairs"));
    }

    /**
     * The geometry of given posteriors: the arithmetic of {@link #measure}, apart from the decoding.
     *
     * @param chunks the chunks' tokens, [n][K]
     * @param mu posterior means, [n * l] row-major
     * @param logStd posterior log standard deviations, [n * l]
     * @param l the latent size
     * @param klClamp the autoencoder's KL clamp per dimension
     * @param noiseMultiples the c of the noisy decodes
     * @param noisyTokenAccuracy their token accuracies
     * @param rng the source of the sampled pairs
     * @return the report
     */
    static LatentGeometry of(int[][] chunks, float[] mu, float[] logStd, int l, double klClamp,
            double[] noiseMultiples, double[] noisyTokenAccuracy, Rng rng) {
        int n = chunks.length;
        int k = chunks[0].length;
        SplittableRandom pairs = rng.javaRandom();
        double random = 0;
        for (int p = 0; p < PAIRS; p++) {
            int i = pairs.nextInt(n);
            int j = (i + 1 + pairs.nextInt(n - 1)) % n;
            random += distance(mu, l, i, j);
        }
        double[] prefix = new double[k - 1];
        long[] counts = new long[k - 1];
        for (int j = 1; j < k; j++) {
            double[] sum = prefixPairs(chunks, j, mu, l, pairs);
            prefix[j - 1] = sum[1] == 0 ? Double.NaN : sum[0] / sum[1];
            counts[j - 1] = (long) sum[1];
        }
        double std = 0;
        double rms = 0;
        double klTotal = 0;
        int collapsed = 0;
        double clamp = Math.max(klClamp, 0.01);
        for (int d = 0; d < l; d++) {
            double sq = 0;
            double kl = 0;
            for (int i = 0; i < n; i++) {
                double m = mu[i * l + d];
                double s = logStd[i * l + d];
                std += Math.exp(s);
                sq += m * m;
                kl += 0.5 * (m * m + Math.exp(2 * s) - 1 - 2 * s);
            }
            rms += Math.sqrt(sq / n);
            klTotal += kl / n;
            if (kl / n <= clamp) {
                collapsed++;
            }
        }
        return new LatentGeometry(n, l, random / PAIRS, prefix, counts, std / ((double) n * l), rms / l,
                noiseMultiples, noisyTokenAccuracy, collapsed, klTotal / l);
    }

    /**
     * Mean distance of up to {@link #PAIRS} pairs drawn uniformly among the pairs whose first j tokens are equal
     * and whose (j+1)-th differs: a group of g chunks with one prefix holds g (g - 1) / 2 candidate pairs.
     *
     * @return {sum of distances, pairs}
     */
    private static double[] prefixPairs(int[][] chunks, int j, float[] mu, int l, SplittableRandom random) {
        Map<List<Integer>, int[]> sizes = new HashMap<>();
        Map<List<Integer>, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < chunks.length; i++) {
            List<Integer> key = Arrays.stream(Arrays.copyOf(chunks[i], j)).boxed().toList();
            groups.computeIfAbsent(key, x -> new java.util.ArrayList<>()).add(i);
            sizes.computeIfAbsent(key, x -> new int[1])[0]++;
        }
        List<List<Integer>> usable = groups.values().stream().filter(g -> g.size() > 1).toList();
        if (usable.isEmpty()) {
            return new double[] {0, 0};
        }
        double[] cumulative = new double[usable.size()];
        double total = 0;
        for (int g = 0; g < usable.size(); g++) {
            long size = usable.get(g).size();
            total += size * (size - 1) / 2.0;
            cumulative[g] = total;
        }
        double sum = 0;
        long found = 0;
        for (int tries = 0; tries < 4 * PAIRS && found < PAIRS; tries++) {
            int g = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            List<Integer> group = usable.get(g < 0 ? -g - 1 : g);
            int a = group.get(random.nextInt(group.size()));
            int b = group.get(random.nextInt(group.size()));
            if (a != b && chunks[a][j] != chunks[b][j]) {
                sum += distance(mu, l, a, b);
                found++;
            }
        }
        return new double[] {sum, found};
    }

    private static double distance(float[] mu, int l, int i, int j) {
        double s = 0;
        for (int d = 0; d < l; d++) {
            double x = mu[i * l + d] - mu[j * l + d];
            s += x * x;
        }
        return Math.sqrt(s);
    }

    /** @return the report as a Markdown table */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "latent geometry of %,d held-out chunks (l %d)%n%n", chunks, latentSize));
        out.append("| pairs of chunks | pairs | mean distance of posterior means | / random |\n|---|---:|---:|---:|\n");
        out.append(String.format(Locale.ROOT, "| random | %,d | %.3f | 1.000 |%n", PAIRS, randomPairDistance));
        for (int j = 0; j < prefixPairDistance.length; j++) {
            out.append(String.format(Locale.ROOT, "| first %d token(s) equal, the next differs | %,d | %.3f | %.3f |%n",
                    j + 1, prefixPairs[j], prefixPairDistance[j], prefixPairDistance[j] / randomPairDistance));
        }
        out.append(String.format(Locale.ROOT, "%nposterior std %.4f, per-dimension RMS of the means %.4f, ratio %.4f; "
                + "mean KL %.3f nats per dimension; %d of %d dimensions collapsed%n%n", posteriorStd, meanRms,
                stdOverRms(), meanKlPerDimension, collapsedDimensions, latentSize));
        out.append("| decoded from | token accuracy |\n|---|---:|\n");
        for (int c = 0; c < noiseMultiples.length; c++) {
            out.append(String.format(Locale.ROOT, "| mu + %.0f sigma eps | %.4f |%n", noiseMultiples[c],
                    noisyTokenAccuracy[c]));
        }
        return out.toString();
    }
}
