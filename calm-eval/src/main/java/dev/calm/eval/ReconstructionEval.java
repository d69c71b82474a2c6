/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reconstruction accuracy of an autoencoder on held-out token blocks: each chunk is encoded, its posterior
 * mean (plus Gaussian noise of a chosen sigma, to measure robustness) is decoded, and the argmax tokens are
 * compared with the input. No dropout is applied.
 */
public final class ReconstructionEval {

    private ReconstructionEval() {}

    /**
     * Accuracy at every noise level of a sweep, on the same blocks.
     *
     * @param ae the autoencoder
     * @param blocks token blocks, each a multiple of K long and all of one length
     * @param batchSize blocks per forward pass
     * @param sigmas noise levels (0 for the plain mean)
     * @param rng the source of the noise
     * @return one row per sigma, in order
     */
    public static List<ReconstructionAccuracy> sweep(Autoencoder ae, int[][] blocks, int batchSize, double[] sigmas,
            Rng rng) {
        int k = ae.config().patchSize();
        if (blocks.length == 0) {
            throw new CalmException("no held-out blocks to evaluate the autoencoder on");
        }
        int length = blocks[0].length;
        long[] tokenHits = new long[sigmas.length];
        long[] chunkHits = new long[sigmas.length];
        for (int from = 0; from < blocks.length; from += batchSize) {
            int[][] batch = Arrays.copyOfRange(blocks, from, Math.min(blocks.length, from + batchSize));
            try (StepScope step = StepScope.open(ae.manager())) {
                NDArray tokens = step.manager().create(batch).toType(DataType.INT64, false); // [B, T]
                NDArray mean = ae.encode(tokens).mean(); // [B, T/K, l]
                for (int s = 0; s < sigmas.length; s++) {
                    NDArray z = sigmas[s] == 0 ? mean
                            : mean.add(rng.normal(step.manager(), mean.getShape(), 0f, (float) sigmas[s]));
                    NDArray correct = ae.decode(z).argMax(-1).eq(tokens); // [B, T]
                    NDArray perChunk = correct.toType(DataType.INT64, false).reshape(batch.length, length / k, k);
                    tokenHits[s] += perChunk.sum().getLong();
                    chunkHits[s] += perChunk.sum(new int[] {2}).eq(k).sum().toType(DataType.INT64, false).getLong();
                }
            }
        }
        long tokens = (long) blocks.length * length;
        List<ReconstructionAccuracy> rows = new ArrayList<>();
        for (int s = 0; s < sigmas.length; s++) {
            rows.add(new ReconstructionAccuracy(sigmas[s], tokens, tokens / k, (double) tokenHits[s] / tokens,
                    (double) chunkHits[s] / (tokens / k)));
        }
        return rows;
    }
}
