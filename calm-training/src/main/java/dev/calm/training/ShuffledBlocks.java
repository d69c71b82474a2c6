/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import java.util.SplittableRandom;

/**
 * Batches of equal-length token blocks in a seeded random order that changes every epoch: each epoch is a fresh
 * permutation of all blocks, and batches are read from the concatenation of the epochs, so every block is seen
 * exactly once per epoch. The position is the number of blocks consumed; {@link #seek} to it reproduces the
 * same sequence of batches.
 */
public final class ShuffledBlocks implements BatchSource {

    private final int[][] blocks;
    private final int batchSize;
    private final int blockLength;
    private final long seed;
    private long position;
    private long cachedEpoch = -1;
    private int[] order;

    /**
     * @param blocks token blocks, all of the same length, e.g. the K-token chunks or training windows of a corpus
     *     (held, not copied)
     * @param batchSize blocks per batch
     * @param seed the seed of the epoch permutations
     */
    public ShuffledBlocks(int[][] blocks, int batchSize, long seed) {
        if (blocks == null || blocks.length == 0) {
            throw new CalmException("no training blocks: the corpus is empty or shorter than one block");
        }
        if (batchSize <= 0) {
            throw new CalmException("batch_size must be > 0, got " + batchSize);
        }
        int length = blocks[0].length;
        if (length == 0) {
            throw new CalmException("training blocks must hold at least one token, block 0 is empty");
        }
        for (int i = 1; i < blocks.length; i++) {
            if (blocks[i].length != length) {
                throw new CalmException("training blocks must have equal lengths: block 0 has " + length
                        + " tokens, block " + i + " has " + blocks[i].length);
            }
        }
        this.blocks = blocks;
        this.batchSize = batchSize;
        this.blockLength = length;
        this.seed = seed;
    }

    /** @return the number of blocks in one epoch */
    public int size() {
        return blocks.length;
    }

    /** @return the epoch the next block comes from, from 0 */
    public long epoch() {
        return position / blocks.length;
    }

    /**
     * @param index a position in the stream of blocks
     * @return the index of the block at that position
     */
    int blockAt(long index) {
        long epoch = index / blocks.length;
        if (epoch != cachedEpoch) {
            order = permutation(epoch);
            cachedEpoch = epoch;
        }
        return order[(int) (index % blocks.length)];
    }

    /** Fisher-Yates shuffle of 0..n-1 from a stream that depends on the seed and the epoch only. */
    private int[] permutation(long epoch) {
        int n = blocks.length;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom random = new Rng(seed).fork("epoch " + epoch).javaRandom();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public NDArray next(NDManager manager) {
        long[] ids = new long[batchSize * blockLength];
        for (int b = 0; b < batchSize; b++) {
            int[] block = blocks[blockAt(position++)];
            for (int t = 0; t < blockLength; t++) {
                ids[b * blockLength + t] = block[t];
            }
        }
        return manager.create(ids, new Shape(batchSize, blockLength)); // [B, T] int64
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
