/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import dev.calm.core.CalmException;
import java.nio.IntBuffer;

/**
 * A stream of token ids with random access: every document's ids followed by the end-of-text id, documents in
 * order. A sharded dataset on disk ({@link ShardedDataset}) and a corpus tokenised in memory ({@link #of}) are
 * both token stores, so one batch source serves either. Reads may run concurrently.
 */
public interface TokenStore {

    /** @return the number of token ids in the stream */
    long numTokens();

    /**
     * Copies ids out of the stream.
     *
     * @param offset the stream offset of the first id
     * @param into where the ids go
     * @param at the first index written in {@code into}
     * @param length how many ids, with {@code offset + length <= numTokens()}
     * @throws IndexOutOfBoundsException when the range is outside the stream or {@code into}
     */
    void read(long offset, int[] into, int at, int length);

    /**
     * @param blockLength tokens per block, &gt; 0
     * @return the number of whole blocks of that length the stream holds (its ragged tail is not a block)
     */
    default long numBlocks(int blockLength) {
        if (blockLength <= 0) {
            throw new CalmException("block length must be > 0, got " + blockLength);
        }
        return numTokens() / blockLength;
    }

    /**
     * Up to {@code maxBlocks} blocks spread evenly over the stream (block {@code i * numBlocks / n} for
     * {@code i < n}), as {@code TokenBlocks.sample} picks them: held-out blocks for evaluation on a budget.
     *
     * @param blockLength tokens per block
     * @param maxBlocks the most blocks wanted, at least 1
     * @return copies of {@code min(maxBlocks, numBlocks(blockLength))} blocks, in stream order
     * @throws CalmException when the stream is shorter than one block
     */
    default int[][] sampleBlocks(int blockLength, int maxBlocks) {
        long[] blocks = sampleBlockIndices(blockLength, maxBlocks);
        int[][] out = new int[blocks.length][blockLength];
        for (int i = 0; i < blocks.length; i++) {
            read(blocks[i] * blockLength, out[i], 0, blockLength);
        }
        return out;
    }

    /**
     * The blocks {@link #sampleBlocks} copies, as block numbers: what a distributed evaluation hands out.
     *
     * @param blockLength tokens per block
     * @param maxBlocks the most blocks wanted, at least 1
     * @return {@code min(maxBlocks, numBlocks(blockLength))} increasing block numbers
     * @throws CalmException when the stream is shorter than one block
     */
    default long[] sampleBlockIndices(int blockLength, int maxBlocks) {
        long blocks = numBlocks(blockLength);
        if (blocks == 0) {
            throw new CalmException("the token stream (" + numTokens() + " tokens) is shorter than one block of "
                    + blockLength);
        }
        if (maxBlocks < 1) {
            throw new CalmException("need at least 1 block, got " + maxBlocks);
        }
        int n = (int) Math.min(maxBlocks, blocks);
        long[] out = new long[n];
        long q = blocks / n;
        long r = blocks % n;
        for (int i = 0; i < n; i++) {
            out[i] = i * q + i * r / n; // == floor(i * blocks / n), without overflow
        }
        return out;
    }

    /**
     * A stream held in memory, for example {@code TokenBlocks.tokens()}.
     *
     * @param tokens the ids, read from position 0 to the limit; held, not copied
     * @return the store
     */
    static TokenStore of(IntBuffer tokens) {
        if (tokens.limit() == 0) {
            throw new CalmException("the token stream is empty");
        }
        IntBuffer ids = tokens.duplicate();
        return new TokenStore() {
            @Override
            public long numTokens() {
                return ids.limit();
            }

            @Override
            public void read(long offset, int[] into, int at, int length) {
                if (offset < 0 || offset + length > ids.limit()) {
                    throw new IndexOutOfBoundsException("ids [" + offset + ", " + (offset + length) + ") of "
                            + ids.limit());
                }
                ids.get((int) offset, into, at, length);
            }
        };
    }
}
