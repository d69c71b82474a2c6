/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.nn.SwiGLU.silu;

import ai.djl.ndarray.NDArray;
import dev.calm.core.nn.LayerNorm;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;

/**
 * CALM's input compression (the reference's {@code embed_proj}): the K token embeddings of a chunk, concatenated,
 * become one backbone input, LN(W2 silu(W0 [e_1; ...; e_K] + b0) + b2), with parameters {@code 0} (K*d -> 2d),
 * {@code 2} (2d -> d) and {@code 3} (the LayerNorm), the indices of the reference's {@code nn.Sequential}.
 */
final class InputCompression extends Module {

    private final Linear linear0; // [2d, K*d]
    private final Linear linear2; // [d, 2d]
    private final LayerNorm norm; // [d]

    /**
     * @param patchSize K
     * @param hiddenSize d
     */
    InputCompression(int patchSize, int hiddenSize) {
        this.linear0 = child("0", new Linear((long) patchSize * hiddenSize, 2L * hiddenSize, true));
        this.linear2 = child("2", new Linear(2L * hiddenSize, hiddenSize, true));
        this.norm = child("3", new LayerNorm(hiddenSize, EnergyHead.LAYER_NORM_EPS));
    }

    /**
     * @param chunkEmbeddings concatenated token embeddings, [B, N, K*d]
     * @return backbone inputs, [B, N, d]
     */
    NDArray forward(NDArray chunkEmbeddings) {
        return norm.forward(linear2.forward(silu(linear0.forward(chunkEmbeddings))));
    }
}
