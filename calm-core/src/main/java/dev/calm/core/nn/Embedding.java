/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.calm.core.CalmException;

/** A lookup table of token vectors, [vocab, dim]. */
public final class Embedding extends Module {

    private final Parameter weight; // [vocab, dim]
    private NDArray weightT; // [dim, vocab]: a view of the table, transposed once for tied logits

    /**
     * @param vocab number of rows
     * @param dim size of each vector
     */
    public Embedding(long vocab, long dim) {
        this.weight = parameter("weight", new Shape(vocab, dim), Init.normal(Linear.INIT_STD), true);
    }

    /**
     * @param ids integer token ids [...]
     * @return their vectors [..., dim]
     */
    public NDArray forward(NDArray ids) {
        try {
            return ai.djl.nn.core.Embedding.embedding(ids, weight.array(), SparseFormat.DENSE).singletonOrThrow();
        } catch (EngineException e) { // checked only on failure, so the common path pays nothing
            long vocab = weight.shape().get(0);
            throw new CalmException("token ids must be integers in [0, " + vocab + "), got " + ids.getDataType()
                    + " ids from " + ids.min().toType(DataType.INT64, false).getLong() + " to "
                    + ids.max().toType(DataType.INT64, false).getLong(), e);
        }
    }

    /**
     * Logits through the same matrix (weight tying): h W^T.
     *
     * @param hidden [..., dim]
     * @return [..., vocab]
     */
    public NDArray logits(NDArray hidden) {
        return ai.djl.nn.core.Linear.linear(hidden, weight.array()).singletonOrThrow();
    }

    @Override
    protected void allocateBuffers() {
        weightT = buffer(weight.array().transpose());
    }

    /**
     * {@link #logits} for passes without gradients, in one engine call instead of two.
     *
     * @param hidden [..., dim]
     * @return [..., vocab]
     */
    public NDArray logitsInference(NDArray hidden) {
        return hidden.matMul(weightT); // == h W^T
    }

    /** @return the table, [vocab, dim] */
    public Parameter weight() {
        return weight;
    }
}
