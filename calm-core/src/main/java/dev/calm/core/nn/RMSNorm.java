/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Root-mean-square norm (Zhang and Sennrich 2019): y = w * x / sqrt(mean(x^2) + eps), over the last axis. */
public final class RMSNorm extends Module {

    private final Parameter weight; // [dim]
    private final float eps;
    private NDArray epsilon; // [] on the parameters' device

    /**
     * @param dim size of the last axis
     * @param eps added to the mean square (1e-6 in Llama and CALM)
     */
    public RMSNorm(long dim, double eps) {
        this.weight = parameter("weight", new Shape(dim), Init.ONES, false);
        this.eps = (float) eps;
    }

    @Override
    protected void allocateBuffers() {
        epsilon = buffer(manager().create(eps));
    }

    /**
     * Computed in the input's precision; callers keep it FP32 (DJL's casts are not differentiable).
     *
     * @param x [..., dim]
     * @return [..., dim]
     */
    public NDArray forward(NDArray x) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(epsilon).sqrt(); // [..., 1]
        return x.div(rms).mul(weight.array());
    }

    /**
     * The norm's gain without its division, w * x: all that an argmax over a linear map of {@link #forward}'s
     * output needs, since the division scales each row by a positive number (argmax(W norm(x)) ==
     * argmax(W (w * x))). One engine call instead of six.
     *
     * @param x [..., dim]
     * @return [..., dim]
     */
    public NDArray gain(NDArray x) {
        return x.mul(weight.array());
    }
}
