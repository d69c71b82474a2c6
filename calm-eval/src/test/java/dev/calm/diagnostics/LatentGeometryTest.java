/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Rng;
import dev.calm.energy.EnergyFixtures;
import dev.calm.experiment.CalmExperiment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The latent-geometry report on a latent whose distances are known in closed form: each chunk (a, b, c) of K = 3
 * ids over V = 4 is the concatenation of three one-hot vectors, so two chunks that differ in h positions are
 * sqrt(2h) apart.
 */
@CalmExperiment
class LatentGeometryTest {

    private static final int V = 4;
    private static final int K = 3;

    @Test
    void prefixDistancesFollowTheNumberOfDifferingTokens() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 600;
        int l = K * V + 1; // plus one dimension that carries nothing
        int[][] chunks = new int[n][K];
        float[] mu = new float[n * l];
        float[] logStd = new float[n * l];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < K; j++) {
                chunks[i][j] = random.nextInt(V);
                mu[i * l + j * V + chunks[i][j]] = 1;
            }
            for (int d = 0; d < l; d++) {
                logStd[i * l + d] = d == l - 1 ? 0 : (float) Math.log(0.25);
            }
        }
        LatentGeometry g = LatentGeometry.of(chunks, mu, logStd, l, 0.5, new double[] {0}, new double[] {1},
                new Rng(4));
        // first j equal, the next differs: the other K - j - 1 differ with probability 3/4 each
        double expectedOneShared = 0.25 * Math.sqrt(2) + 0.75 * Math.sqrt(4);
        assertEquals(expectedOneShared, g.prefixPairDistance()[0], 0.03);
        assertEquals(Math.sqrt(2), g.prefixPairDistance()[1], 1e-6); // j = 2: exactly one position differs
        // random pairs: each position differs with probability 3/4, h ~ Binomial(3, 3/4)
        double expectedRandom = 0;
        for (int h = 0; h <= K; h++) {
            double p = binomial(K, h) * Math.pow(0.75, h) * Math.pow(0.25, K - h);
            expectedRandom += p * Math.sqrt(2 * h);
        }
        assertEquals(expectedRandom, g.randomPairDistance(), 0.03);
        assertTrue(g.prefixPairs()[1] > 1000, "pairs sharing two tokens: " + g.prefixPairs()[1]);
        // sigma 0.25 on 12 dimensions and 1 on the empty one; RMS of a one-hot coordinate is 1/2
        assertEquals((12 * 0.25 + 1) / 13.0, g.posteriorStd(), 1e-6);
        assertEquals(12 * 0.5 / 13.0, g.meanRms(), 0.02);
        // the empty dimension (mu 0, sigma 1) has KL 0: the one collapsed dimension
        assertEquals(1, g.collapsedDimensions());
        assertTrue(g.table().contains("| first 2 token(s) equal, the next differs |"), g.table());
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 0; i < k; i++) {
            c = c * (n - i) / (i + 1);
        }
        return c;
    }

    @Test
    void measuringAnAutoencoderCoversEveryChunkOfTheBlocks(NDManager manager) {
        Autoencoder ae = new Autoencoder(EnergyFixtures.autoencoderConfig(2));
        ae.initialize(manager, new Rng(1));
        int[][] blocks = new int[8][16];
        SplittableRandom random = new SplittableRandom(5);
        for (int[] b : blocks) {
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(EnergyFixtures.VOCAB);
            }
        }
        LatentGeometry g = LatentGeometry.measure(ae, blocks, new Rng(2));
        assertEquals(64, g.chunks());
        assertEquals(4, g.noisyTokenAccuracy().length);
        assertTrue(g.noisyTokenAccuracy()[0] >= 0 && g.noisyTokenAccuracy()[0] <= 1);
        assertTrue(g.randomPairDistance() > 0);
    }
}
