/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.training.BatchSource;

/**
 * Batches of K-aligned blocks streamed from a {@link TokenStore}: a sharded dataset on disk or a corpus in memory.
 * Block {@code i} is the stream's ids {@code [i * blockLength, (i + 1) * blockLength)}, exactly as {@link
 * TokenBlocks} cuts a corpus (the ragged tail is no block), and {@code blockLength} is a multiple of K, so every
 * block is a whole number of K-token chunks. Each epoch visits every block once, in the order of a seeded {@link
 * BlockPermutation} of that epoch, computed per block: memory does not grow with the corpus.
 *
 * <p>The position is the number of blocks served; {@link #seek} to it gives the same batches again, so a
 * checkpoint's position resumes a run exactly.
 */
public final class StreamingBlocks implements BatchSource {

    private final TokenStore store;
    private final int blockLength;
    private final int batchSize;
    private final long numBlocks;
    private final long seed;
    private long position;
    private long cachedEpoch = -1;
    private BlockPermutation order;

    /**
     * @param store the token stream
     * @param blockLength tokens per block, a positive multiple of {@code patchSize}
     * @param patchSize the chunk size K
     * @param batchSize blocks per batch, &gt; 0
     * @param seed the seed of the epochs' orders
     * @throws CalmException when a size is invalid or the stream is shorter than one block
     */
    public StreamingBlocks(TokenStore store, int blockLength, int patchSize, int batchSize, long seed) {
        if (patchSize <= 0) {
            throw new CalmException("patch size K must be > 0, got " + patchSize);
        }
        if (blockLength <= 0 || blockLength % patchSize != 0) {
            throw new CalmException("block length must be a positive multiple of the patch size K = " + patchSize
                    + ", got " + blockLength);
        }
        if (batchSize <= 0) {
            throw new CalmException("batch_size must be > 0, got " + batchSize);
        }
        this.numBlocks = store.numBlocks(blockLength);
        if (numBlocks == 0) {
            throw new CalmException("no training blocks: the token stream has " + store.numTokens()
                    + " tokens, fewer than one block of " + blockLength);
        }
        if ((long) batchSize * blockLength > Integer.MAX_VALUE) {
            throw new CalmException("a batch of " + batchSize + " x " + blockLength + " tokens is too large");
        }
        this.store = store;
        this.blockLength = blockLength;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** @return blocks per epoch */
    public long numBlocks() {
        return numBlocks;
    }

    /** @return tokens per block */
    public int blockLength() {
        return blockLength;
    }

    /** @return the epoch the next block comes from, from 0 */
    public long epoch() {
        return position / numBlocks;
    }

    /**
     * @param index a position in the stream of blocks served
     * @return the block served at that position
     */
    public long blockAt(long index) {
        long epoch = index / numBlocks;
        if (epoch != cachedEpoch) {
            order = new BlockPermutation(numBlocks, new Rng(seed).fork("epoch " + epoch));
            cachedEpoch = epoch;
        }
        return order.apply(index % numBlocks);
    }

    /**
     * The next batch as token ids, without a tensor: what {@link #next} puts in its array.
     *
     * @return {@code [batchSize * blockLength]} ids, block after block
     */
    public int[] nextIds() {
        int[] ids = new int[batchSize * blockLength];
        for (int b = 0; b < batchSize; b++) {
            store.read(blockAt(position++) * blockLength, ids, b * blockLength, blockLength);
        }
        return ids;
    }

    @Override
    public NDArray next(NDManager manager) {
        int[] ids = nextIds();
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return manager.create(wide, new Shape(batchSize, blockLength)); // [B, T] int64
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long position) {
        if (position < 0) {
            throw new CalmException("data position must be >= 0, got " + position);
        }
        this.position = position;
    }

    @Override
    public int tokensPerBatch() {
        return batchSize * blockLength;
    }
}
