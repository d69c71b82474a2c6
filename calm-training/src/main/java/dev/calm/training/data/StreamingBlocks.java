/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training.data;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.training.BlockBatches;

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
public final class StreamingBlocks extends BlockBatches {

    private final TokenStore store;
    private final long numBlocks;
    private final long seed;
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
        super(batchSize, alignedLength(blockLength, patchSize));
        this.numBlocks = store.numBlocks(blockLength);
        if (numBlocks == 0) {
            throw new CalmException("no training blocks: the token stream has " + store.numTokens()
                    + " tokens, fewer than one block of " + blockLength);
        }
        this.store = store;
        this.seed = seed;
    }

    /** The block length, after checking that it is a positive multiple of K. */
    private static int alignedLength(int blockLength, int patchSize) {
        if (patchSize <= 0) {
            throw new CalmException("patch size K must be > 0, got " + patchSize);
        }
        if (blockLength <= 0 || blockLength % patchSize != 0) {
            throw new CalmException("block length must be a positive multiple of the patch size K = " + patchSize
                    + ", got " + blockLength);
        }
        return blockLength;
    }

    /** @return blocks per epoch */
    public long numBlocks() {
        return numBlocks;
    }

    /** @return the epoch the next block comes from, from 0 */
    public long epoch() {
        return position() / numBlocks;
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

    @Override
    protected void readBlock(long index, int[] into, int offset) {
        store.read(blockAt(index) * blockLength(), into, offset, blockLength());
    }
}
