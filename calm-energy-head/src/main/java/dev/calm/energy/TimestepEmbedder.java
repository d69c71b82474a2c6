/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.nn.SwiGLU.silu;

import ai.djl.ndarray.NDArray;
import dev.calm.core.Backend;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;

/**
 * Embeds a time t (a diffusion timestep in [0, 1000), or a flow time in [0, 1] scaled by 1000) into a vector of the
 * hidden size, as the reference's {@code TimestepEmbedder} does: sinusoidal features of t at 128 frequencies
 * 10000^(-i/128), [cos(t f_i); sin(t f_i)], followed by {@code mlp.0} Linear(256, d), SiLU, {@code mlp.2}
 * Linear(d, d). Times may be fractional.
 */
final class TimestepEmbedder extends Module {

    /** Size of the sinusoidal features, the reference's {@code frequency_embedding_size}. */
    static final int FREQUENCY_EMBEDDING_SIZE = 256;
    /** The period that sets the lowest frequency, the reference's {@code max_period}. */
    private static final double MAX_PERIOD = 10_000;

    private final Linear mlp0; // [d, 256]
    private final Linear mlp2; // [d, d]
    private final float[] frequencies = new float[FREQUENCY_EMBEDDING_SIZE / 2];

    /** @param hiddenSize d, the size of the embedding */
    TimestepEmbedder(int hiddenSize) {
        this.mlp0 = child("mlp.0", new Linear(FREQUENCY_EMBEDDING_SIZE, hiddenSize, true));
        this.mlp2 = child("mlp.2", new Linear(hiddenSize, hiddenSize, true));
        int half = frequencies.length;
        for (int i = 0; i < half; i++) {
            frequencies[i] = (float) Math.exp(-Math.log(MAX_PERIOD) * i / half);
        }
    }

    /**
     * @param t times, any shape [...] (FLOAT32)
     * @return embeddings, [..., d]
     */
    NDArray forward(NDArray t) {
        NDArray f = Backend.owned(t.getManager().create(frequencies)); // [128], in libtorch's memory
        NDArray args = t.expandDims(-1).mul(f); // [..., 128]
        NDArray features = args.cos().concat(args.sin(), -1); // [..., 256]
        return mlp2.forward(silu(mlp0.forward(features)));
    }
}
