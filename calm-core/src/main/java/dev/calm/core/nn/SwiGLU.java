/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The gated MLP of Llama (Shazeer 2020): down_proj(SiLU(gate_proj(x)) * up_proj(x)), no biases. Names follow
 * Hugging Face's {@code LlamaMLP}.
 */
public final class SwiGLU extends Module {

    private final Linear gateProj; // [intermediate, hidden]
    private final Linear upProj; // [intermediate, hidden]
    private final Linear downProj; // [hidden, intermediate]

    /**
     * @param hidden model width
     * @param intermediate inner width
     */
    public SwiGLU(long hidden, long intermediate) {
        this.gateProj = child("gate_proj", new Linear(hidden, intermediate, false));
        this.upProj = child("up_proj", new Linear(hidden, intermediate, false));
        this.downProj = child("down_proj", new Linear(intermediate, hidden, false));
    }

    /**
     * @param x [..., hidden]
     * @return [..., hidden]
     */
    public NDArray forward(NDArray x) {
        return downProj.forward(silu(gateProj.forward(x)).mul(upProj.forward(x)));
    }

    /**
     * SiLU (swish with beta 1): x * sigmoid(x).
     *
     * @param x any shape
     * @return same shape
     */
    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }
}
