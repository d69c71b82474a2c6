/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** y = x W^T + b, with W stored [out, in] as in PyTorch. */
public final class Linear extends Module {

    /** Standard deviation of the default initialiser (Hugging Face's initializer_range). */
    public static final float INIT_STD = 0.02f;

    private final Parameter weight; // [out, in]
    private final Parameter bias; // [out] or null
    private NDArray weightT; // [in, out]: a view of the weight, transposed once instead of on every call

    /**
     * @param in input features
     * @param out output features
     * @param bias whether to add a bias
     */
    public Linear(long in, long out, boolean bias) {
        this(in, out, bias, Init.normal(INIT_STD));
    }

    /**
     * @param in input features
     * @param out output features
     * @param bias whether to add a bias (initialised at zero)
     * @param init the initialiser of the weight
     */
    public Linear(long in, long out, boolean bias, Init init) {
        this.weight = parameter("weight", new Shape(out, in), init, true);
        this.bias = bias ? parameter("bias", new Shape(out), Init.ZEROS, false) : null;
    }

    /**
     * @param x [..., in]
     * @return [..., out]
     */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight.array(), bias == null ? null : bias.array()).singletonOrThrow();
    }

    @Override
    protected void allocateBuffers(NDManager manager) {
        weightT = buffer(weight.array().transpose());
    }

    /**
     * The same product for passes without gradients, in one engine call where {@link #forward} makes two: the
     * weight is transposed once, as a view, when it is allocated or loaded.
     *
     * @param x [..., in]
     * @return [..., out]
     */
    public NDArray forwardInference(NDArray x) {
        return bias == null ? x.matMul(weightT) : forward(x); // == x W^T (+ b)
    }

    /** @return the weight, [out, in] */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias, [out], or null if the layer has none */
    public Parameter bias() {
        return bias;
    }
}
