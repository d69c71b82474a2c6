/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkStatisticsTest {

    /**
     * Training chunks (K = 2) (1,2) (1,2) (3,4) (1,2) and a dropped tail (9): q(1,2) = 3/4, q(3,4) = 1/4, sum q^2 =
     * 10/16. Held out: (1,2) (5,6) | (3,4) and a dropped tail (7). Brier-2 of the context-free sampler = mean of 2 *
     * 3/4 - 10/16, 0 - 10/16 and 2 * 1/4 - 10/16 = (0.875 - 0.625 - 0.125) / 3 = 0.125 / 3.
     */
    @Test
    void handCountedExample() {
        ChunkStatistics s = ChunkStatistics.measure(IntBuffer.wrap(new int[] {1, 2, 1, 2, 3, 4, 1, 2, 9}),
                new int[][] {{1, 2, 5, 6}, {3, 4, 7}}, 2);
        assertEquals(2, s.k());
        assertEquals(4, s.trainChunks());
        assertEquals(2, s.distinctTrainChunks());
        assertEquals(3, s.heldOutChunks());
        assertEquals(2.0 / 3, s.seenShare(), 1e-12);
        assertEquals(0.125 / 3, s.contextFreeBrier(), 1e-12);
        assertEquals(2.0 / 3, s.topCoverage().get(64), 1e-12, "both training chunks are in every top-n");
        assertEquals(0.125 / 3, (double) s.toMap().get("context_free_brier"), 1e-12);
    }

    /** Top-n counts the n most frequent training chunks exactly, ties broken by the ids. */
    @Test
    void topCoverageCountsExactlyNChunks() {
        int[] train = new int[2 * 100];
        for (int c = 0; c < 100; c++) { // 100 chunks (c, c), each once
            train[2 * c] = c;
            train[2 * c + 1] = c;
        }
        int[][] heldOut = new int[100][];
        for (int c = 0; c < 100; c++) {
            heldOut[c] = new int[] {c, c};
        }
        ChunkStatistics s = ChunkStatistics.measure(IntBuffer.wrap(train), heldOut, 2);
        assertEquals(1.0, s.seenShare(), 1e-12);
        assertEquals(0.64, s.topCoverage().get(64), 1e-12, "64 of 100 equally frequent chunks");
        assertEquals(1.0, s.topCoverage().get(256), 1e-12);
    }

    /**
     * The closed form against its definition: a context-free sampler drawing two chunks per held-out position from
     * the training frequencies, scored 1{x1 = y} + 1{x2 = y} - 1{x1 = x2}, averages to the report's Brier-K (3
     * standard errors over 400,000 positions; a formula that dropped the collision term would be off by sum q^2 =
     * 0.18, hundreds of standard errors).
     */
    @Test
    void closedFormEqualsTheSampledEstimator() {
        SplittableRandom random = new SplittableRandom(7);
        int[] train = new int[3 * 2_000];
        for (int i = 0; i < train.length; i += 3) { // chunks over ids 0..5, skewed towards small ids
            int a = Math.min(random.nextInt(6), random.nextInt(6));
            train[i] = a;
            train[i + 1] = a % 2;
            train[i + 2] = a % 3;
        }
        int[][] heldOut = {{0, 0, 0, 1, 1, 1, 2, 0, 2}, {5, 1, 2, 4, 4, 4}};
        ChunkStatistics s = ChunkStatistics.measure(IntBuffer.wrap(train), heldOut, 3);
        int chunks = train.length / 3;
        double sum = 0;
        double sumSq = 0;
        int n = 400_000;
        for (int i = 0; i < n; i++) {
            int[] block = heldOut[i % 2];
            int start = 3 * random.nextInt(block.length / 3);
            int[] y = Arrays.copyOfRange(block, start, start + 3);
            int x1 = 3 * random.nextInt(chunks);
            int x2 = 3 * random.nextInt(chunks);
            double b = (Arrays.equals(train, x1, x1 + 3, y, 0, 3) ? 1 : 0) + (Arrays.equals(train, x2, x2 + 3, y, 0, 3)
                    ? 1 : 0) - (Arrays.equals(train, x1, x1 + 3, train, x2, x2 + 3) ? 1 : 0);
            sum += b;
            sumSq += b * b;
        }
        // positions are drawn per block, each block with probability 1/2: weight the closed form the same way
        double perBlock = 0.5 * ChunkStatistics.measure(IntBuffer.wrap(train), new int[][] {heldOut[0]}, 3)
                .contextFreeBrier() + 0.5 * ChunkStatistics.measure(IntBuffer.wrap(train), new int[][] {heldOut[1]}, 3)
                .contextFreeBrier();
        double mean = sum / n;
        double se = Math.sqrt((sumSq / n - mean * mean) / n);
        assertEquals(perBlock, mean, 3 * se, "sampled " + mean + " ± " + se + " vs closed form " + perBlock);
        assertEquals(5, s.heldOutChunks(), s.toString());
    }

    /** The most frequent chunks first; equally frequent ones by their ids. */
    @Test
    void mostFrequentChunks() {
        IntBuffer train = IntBuffer.wrap(new int[] {5, 5, 1, 2, 3, 3, 1, 2, 9});
        int[][] top = ChunkStatistics.mostFrequent(train, 2, 5);
        assertEquals(3, top.length, "only three distinct chunks");
        assertTrue(Arrays.equals(new int[] {1, 2}, top[0]) && Arrays.equals(new int[] {3, 3}, top[1])
                && Arrays.equals(new int[] {5, 5}, top[2]), Arrays.deepToString(top));
        assertEquals(1, ChunkStatistics.mostFrequent(train, 2, 1).length);
        assertThrows(CalmException.class, () -> ChunkStatistics.mostFrequent(train, 2, 0));
    }

    @Test
    void refusesInputsWithoutAWholeChunk() {
        assertThrows(CalmException.class, () -> ChunkStatistics.measure(IntBuffer.wrap(new int[] {1, 2}), new int[][] {
            {1, 2}}, 0));
        CalmException noTrain = assertThrows(CalmException.class,
                () -> ChunkStatistics.measure(IntBuffer.wrap(new int[] {1}), new int[][] {{1, 2}}, 2));
        assertTrue(noTrain.getMessage().contains("training stream"), noTrain.getMessage());
        CalmException noHeldOut = assertThrows(CalmException.class,
                () -> ChunkStatistics.measure(IntBuffer.wrap(new int[] {1, 2}), new int[][] {{1}}, 2));
        assertTrue(noHeldOut.getMessage().contains("held-out"), noHeldOut.getMessage());
    }
}
