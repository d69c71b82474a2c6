/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Where batches come from. Its position is part of a checkpoint, so a resumed run sees exactly the batches an
 * uninterrupted run would have seen.
 */
public interface BatchSource {

    /**
     * @param manager the owner of the batch (the step's manager)
     * @return the next batch, [B, T] int64 token ids
     */
    NDArray next(NDManager manager);

    /** @return an opaque position: {@link #seek} to it and the same batches follow */
    long position();

    /** @param position a value returned by {@link #position()} */
    void seek(long position);

    /** @return the number of tokens in one batch, B * T, for throughput figures */
    int tokensPerBatch();
}
