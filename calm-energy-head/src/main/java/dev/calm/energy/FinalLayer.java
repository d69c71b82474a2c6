/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.nn.SwiGLU.silu;

import ai.djl.ndarray.NDArray;
import dev.calm.core.nn.Init;
import dev.calm.core.nn.LayerNorm;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;

/**
 * The energy head's output layer, z = W2 silu(W0 LN(x) + b0) + b2 ({@code in_ln}, {@code linears.0}, {@code
 * linears.2}). The last linear layer starts at zero, as in the reference, so an untrained head predicts z = 0.
 */
final class FinalLayer extends Module {

    private final LayerNorm inLn;
    private final Linear linear0; // [d, d]
    private final Linear linear2; // [l, d], zero-initialised

    /**
     * @param channels the hidden size d
     * @param latentSize the latent size l
     */
    FinalLayer(int channels, int latentSize) {
        this.inLn = child("in_ln", new LayerNorm(channels, EnergyHead.LAYER_NORM_EPS));
        this.linear0 = child("linears.0", new Linear(channels, channels, true));
        this.linear2 = child("linears.2", new Linear(channels, latentSize, true, Init.ZEROS));
    }

    /**
     * @param x [..., d]
     * @return [..., l]
     */
    NDArray forward(NDArray x) {
        return linear2.forward(silu(linear0.forward(inLn.forward(x))));
    }
}
