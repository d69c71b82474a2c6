/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Layer normalisation over the last axis: y = (x - mean) / sqrt(var + eps) * weight + bias. */
public final class LayerNorm extends Module {

    private final Parameter weight; // [dim]
    private final Parameter bias; // [dim]
    private final Shape normalized;
    private final float eps;

    /**
     * @param dim size of the last axis
     * @param eps added to the variance (PyTorch's default is 1e-5)
     */
    public LayerNorm(long dim, double eps) {
        this.normalized = new Shape(dim);
        this.weight = parameter("weight", normalized, Init.ONES, false);
        this.bias = parameter("bias", normalized, Init.ZEROS, false);
        this.eps = (float) eps;
    }

    /**
     * @param x [..., dim]
     * @return [..., dim]
     */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalized, weight.array(), bias.array(), eps).singletonOrThrow();
    }
}
