/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;

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
    protected void allocateBuffers() {
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

    /**
     * The share of this layer that reads the input features {@code [from, to)}: {@code x W[:, from:to]^T}, plus
     * the bias if asked. Over inputs split as {@code [x_0; x_1]}, {@code forwardPart(x_0, 0, n0, true) +
     * forwardPart(x_1, n0, in, false) == forward(concat(x_0, x_1))}: the concatenation, without building it (and
     * a share that is the same for many rows can be computed once and broadcast).
     *
     * @param x [..., to - from], the features {@code [from, to)} of the layer's input
     * @param from first input feature, inclusive
     * @param to last input feature, exclusive
     * @param addBias whether to add the bias (once over the shares of one input)
     * @return [..., out]
     */
    public NDArray forwardPart(NDArray x, long from, long to, boolean addBias) {
        long in = weight.shape().get(1);
        if (from < 0 || to > in || from >= to) {
            throw new IllegalArgumentException("input features [" + from + ", " + to + ") of a layer with " + in);
        }
        NDArray w = Backend.narrow(weight.array(), 1, from, to, x.getManager()); // [out, to - from], a view
        NDArray b = addBias && bias != null ? bias.array() : null;
        return ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow();
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
