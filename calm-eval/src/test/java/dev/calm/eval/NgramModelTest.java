/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.experiment.CalmExperiment;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reference samplers: their probabilities against the counts by hand, and Brier-1 through {@link
 * BrierEvaluator} against the exact 2 P(y | x) - sum_v P(v | x)^2 averaged over the positions.
 */
@CalmExperiment
class NgramModelTest {

    private static final int V = 4;
    /** Training stream: counts c(0) = 4, c(1) = 3, c(2) = 2, c(3) = 1; bigrams listed in order. */
    private static final int[] TRAIN = {0, 1, 0, 2, 0, 1, 3, 0, 1, 2};

    @Test
    void probabilitiesAreTheSmoothedCounts(NDManager manager) {
        try (NgramModel unigram = NgramModel.unigram(IntBuffer.wrap(TRAIN), V, manager);
                NgramModel bigram = NgramModel.bigram(IntBuffer.wrap(TRAIN), V, manager)) {
            // add-one unigram over 10 tokens and 4 ids: (c + 1) / 14
            double[] p = {5 / 14.0, 4 / 14.0, 3 / 14.0, 2 / 14.0};
            float[] u = unigram.logits(manager.create(new float[] {2f}).reshape(1, 1)).softmax(-1).toFloatArray();
            for (int y = 0; y < V; y++) {
                assertEquals(p[y], u[y], 1e-6);
            }
            // after 0: c(0,1) = 3, c(0,2) = 1 of c(0) = 4; P(y | 0) = (c(0, y) + p(y)) / (4 + 1)
            float[] b = bigram.logits(manager.create(new float[] {0f}).reshape(1, 1)).softmax(-1).toFloatArray();
            double[] expected = {p[0] / 5, (3 + p[1]) / 5, (1 + p[2]) / 5, p[3] / 5};
            for (int y = 0; y < V; y++) {
                assertEquals(expected[y], b[y], 1e-6);
            }
            // id 3 is followed by 0 once: (1{y = 0} + p(y)) / 2
            float[] after3 = bigram.logits(manager.create(new float[] {3f}).reshape(1, 1)).softmax(-1).toFloatArray();
            assertEquals((1 + p[0]) / 2, after3[0], 1e-6);
            assertEquals(p[1] / 2, after3[1], 1e-6);
        }
    }

    @Test
    void brier1ThroughTheEvaluatorIsExact(NDManager manager) {
        int[][] heldOut = {{0, 1, 2, 0, 3, 1, 0, 2}, {2, 2, 1, 0, 1, 0, 3, 3}};
        try (NgramModel bigram = NgramModel.bigram(IntBuffer.wrap(TRAIN), V, manager)) {
            BrierLM.Result r = new BrierEvaluator(bigram).evaluate(heldOut, 2, new Rng(1));
            // positions 0 .. T-5 of each row are scored (the 4 tokens after each must exist)
            double exact = 0;
            int positions = 0;
            for (int[] row : heldOut) {
                for (int i = 0; i + 4 < row.length; i++) {
                    float[] q = bigram.logits(manager.create(new float[] {row[i]}).reshape(1, 1)).softmax(-1)
                            .toFloatArray();
                    double collision = 0;
                    for (float x : q) {
                        collision += x * x;
                    }
                    exact += 2 * q[row[i + 1]] - collision;
                    positions++;
                }
            }
            assertEquals(positions, r.positions());
            assertEquals(exact / positions, r.brier()[0], 1e-6);
        }
    }

    /**
     * A stream of 2.5 M ids, longer than the window the counts are read in, as a {@link TokenStore} (what a sharded
     * dataset on disk is): the bigram's rows against counts made here in one pass, so that a pair across two
     * windows is counted once.
     */
    @Test
    void aStreamReadInWindowsIsCountedWhole(NDManager manager) {
        int[] ids = new int[2_500_000];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 3 == 0 ? random.nextInt(V) : (ids[i - 1] + 1) % V; // after most ids, the next one
        }
        long[] counts = new long[V];
        long[][] pairs = new long[V][V];
        for (int i = 0; i < ids.length; i++) {
            counts[ids[i]]++;
            if (i > 0) {
                pairs[ids[i - 1]][ids[i]]++;
            }
        }
        try (NgramModel bigram = NgramModel.bigram(TokenStore.of(IntBuffer.wrap(ids)), V, manager)) {
            for (int x = 0; x < V; x++) {
                long context = 0;
                for (long c : pairs[x]) {
                    context += c;
                }
                float[] q = bigram.logits(manager.create(new float[] {x}).reshape(1, 1)).softmax(-1).toFloatArray();
                for (int y = 0; y < V; y++) {
                    double p = (counts[y] + 1) / (double) (ids.length + V);
                    assertEquals((pairs[x][y] + p) / (context + 1), q[y], 1e-6, "P(" + y + " | " + x + ")");
                }
            }
        }
    }

    @Test
    void idsOutsideTheVocabularyAndHugeBigramsAreRefused(NDManager manager) {
        CalmException e = assertThrows(CalmException.class,
                () -> NgramModel.unigram(IntBuffer.wrap(new int[] {0, 5}), V, manager));
        assertTrue(e.getMessage().contains("token id 5 is outside the vocabulary of 4"), e.getMessage());
        e = assertThrows(CalmException.class, () -> NgramModel.bigram(IntBuffer.wrap(TRAIN), 20_000, manager));
        assertTrue(e.getMessage().contains("over its limit of 16384"), e.getMessage());
    }
}
