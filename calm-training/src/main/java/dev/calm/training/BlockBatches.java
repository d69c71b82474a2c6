/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;

/**
 * Batches of B equal-length token blocks served one after another from a stream of blocks whose order a subclass
 * fixes ({@link ShuffledBlocks} in memory, {@code StreamingBlocks} from shards). The position is the number of
 * blocks served; {@link #seek} to it gives the same batches again, so a checkpoint's position resumes a run
 * exactly.
 */
public abstract class BlockBatches implements BatchSource {

    private final int batchSize;
    private final int blockLength;
    private long position;

    /**
     * @param batchSize blocks per batch, &gt; 0
     * @param blockLength tokens per block, &gt; 0
     * @throws CalmException if a size is not positive or a batch would not fit in one array
     */
    protected BlockBatches(int batchSize, int blockLength) {
        if (batchSize <= 0) {
            throw new CalmException("batch_size must be > 0, got " + batchSize);
        }
        if (blockLength <= 0) {
            throw new CalmException("training blocks must hold at least one token, got " + blockLength);
        }
        if ((long) batchSize * blockLength > Integer.MAX_VALUE) {
            throw new CalmException("a batch of " + batchSize + " x " + blockLength + " tokens is too large");
        }
        this.batchSize = batchSize;
        this.blockLength = blockLength;
    }

    /**
     * Copies the ids of the block served at a position of the stream.
     *
     * @param index the position, from 0, across epochs
     * @param into the batch's ids
     * @param offset where the block's {@code blockLength} ids go
     */
    protected abstract void readBlock(long index, int[] into, int offset);

    /** @return tokens per block */
    public int blockLength() {
        return blockLength;
    }

    /**
     * The next batch as token ids, without a tensor: what {@link #next} puts in its array.
     *
     * @return {@code [batchSize * blockLength]} ids, block after block
     */
    public int[] nextIds() {
        int[] ids = new int[batchSize * blockLength];
        for (int b = 0; b < batchSize; b++) {
            readBlock(position++, ids, b * blockLength);
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
