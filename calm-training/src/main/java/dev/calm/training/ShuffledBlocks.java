/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import java.util.SplittableRandom;

/**
 * Batches of equal-length token blocks in a seeded random order that changes every epoch: each epoch is a fresh
 * permutation of all blocks, and batches are read from the concatenation of the epochs, so every block is seen
 * exactly once per epoch. The position is the number of blocks consumed; {@link #seek} to it reproduces the
 * same sequence of batches.
 */
public final class ShuffledBlocks extends BlockBatches {

    private final int[][] blocks;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] order;

    /**
     * @param blocks token blocks, all of the same length, e.g. the K-token chunks or training windows of a corpus
     *     (held, not copied)
     * @param batchSize blocks per batch
     * @param seed the seed of the epoch permutations
     */
    public ShuffledBlocks(int[][] blocks, int batchSize, long seed) {
        super(batchSize, equalLength(blocks));
        this.blocks = blocks;
        this.seed = seed;
    }

    /** The blocks' common length, after checking that there are blocks and that they are equally long. */
    private static int equalLength(int[][] blocks) {
        if (blocks == null || blocks.length == 0) {
            throw new CalmException("no training blocks: the corpus is empty or shorter than one block");
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
        return length;
    }

    /** @return the number of blocks in one epoch */
    public int size() {
        return blocks.length;
    }

    /** @return the epoch the next block comes from, from 0 */
    public long epoch() {
        return position() / blocks.length;
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
    protected void readBlock(long index, int[] into, int offset) {
        System.arraycopy(blocks[blockAt(index)], 0, into, offset, blockLength());
    }
}
