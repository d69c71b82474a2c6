/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.RMSNorm;
import dev.calm.core.nn.SwiGLU;

/**
 * One residual MLP layer of the autoencoder (the reference's {@code AELayer}): {@code x + mlp(RMSNorm(x))}, a
 * pre-norm SwiGLU block without attention, since every position is processed on its own.
 */
public final class AutoencoderLayer extends Module {

    private final SwiGLU mlp;
    private final RMSNorm layernorm;

    /** @param config the autoencoder's shape */
    public AutoencoderLayer(AutoencoderConfig config) {
        this.mlp = child("mlp", new SwiGLU(config.hiddenSize(), config.intermediateSize()));
        this.layernorm = child("layernorm", new RMSNorm(config.hiddenSize(), config.rmsNormEps()));
    }

    /**
     * @param x [..., d]
     * @return [..., d]
     */
    public NDArray forward(NDArray x) {
        return x.add(mlp.forward(layernorm.forward(x)));
    }

    /**
     * The same layer for passes without gradients, through the fused gate/up projection.
     *
     * @param x [..., d]
     * @return [..., d]
     */
    public NDArray forwardInference(NDArray x) {
        return x.add(mlp.forwardInference(layernorm.forward(x)));
    }
}
