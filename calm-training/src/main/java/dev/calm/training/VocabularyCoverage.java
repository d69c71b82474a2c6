/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;

/**
 * Replaces a fraction of the K-token chunks of a batch by chunks of uniformly random token ids, so that the
 * autoencoder is trained on every id of the vocabulary, not only on those its corpus happens to contain.
 *
 * <p>Not in the paper, whose autoencoder sees the Pile. On a small corpus it matters: trained on Brown alone,
 * the quickstart's autoencoder had never seen 178 of its 4096 ids (the bytes of non-ASCII characters, and
 * {@code @} and {@code =}, which make up 3.1% of WikiText-103's tokens), and reconstructed none of them. The
 * autoencoder treats chunks independently, so random chunks are a valid training signal for it.
 */
public final class VocabularyCoverage {

    private VocabularyCoverage() {}

    /**
     * @param batch token ids, INT64 [B, T] with T a multiple of K
     * @param patchSize K
     * @param fraction probability that a chunk is replaced, in [0, 1]
     * @param vocabSize ids are drawn uniformly from [0, vocabSize)
     * @param rng the source of both draws
     * @return the mixed batch, INT64 [B, T], in the batch's manager
     */
    public static NDArray mix(NDArray batch, int patchSize, double fraction, int vocabSize, Rng rng) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new CalmException("random chunk fraction must be in [0, 1], got " + fraction);
        }
        if (fraction == 0) {
            return batch;
        }
        NDManager manager = batch.getManager();
        Shape shape = batch.getShape(); // [B, T]
        Shape chunks = new Shape(shape.get(0), shape.get(1) / patchSize, 1); // [B, N, 1]
        NDArray replace = rng.uniform(manager, chunks, 0f, 1f).lt((float) fraction)
                .broadcast(new Shape(chunks.get(0), chunks.get(1), patchSize)).reshape(shape); // [B, T]
        NDArray random = rng.uniform(manager, shape, 0f, vocabSize).floor().toType(DataType.INT64, false)
                .clip(0, vocabSize - 1); // [B, T]
        return NDArrays.where(replace, random, batch);
    }
}
