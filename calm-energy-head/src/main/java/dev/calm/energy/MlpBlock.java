/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.nn.SwiGLU.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.calm.core.nn.LayerNorm;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;

/**
 * One residual block of the energy head: it refines the noise embedding x conditioned on the hidden state y,
 *
 * <pre>  [g, u] = W4 silu(W2 silu(W0 [LN(x); y] + b0) + b2) + b4,   x' = x + down_proj(silu(g) * u)</pre>
 *
 * ({@code in_ln}, {@code linears.0}, {@code linears.2}, {@code linears.4}, {@code down_proj}, as the reference's
 * {@code MLPBlock}). Since W0 [LN(x); y] = W0x LN(x) + W0y y, the y half is computed once per position by
 * {@link #condition} and shared by all the samples of that position instead of being concatenated to each.
 */
final class MlpBlock extends Module {

    private final int channels;
    private final LayerNorm inLn;
    private final Linear linear0; // [d, 2d]: columns [0, d) read LN(x), [d, 2d) read y
    private final Linear linear2; // [d, d]
    private final Linear linear4; // [2d, d]
    private final Linear downProj; // [d, d]

    /** @param channels the hidden size d */
    MlpBlock(int channels) {
        this.channels = channels;
        this.inLn = child("in_ln", new LayerNorm(channels, EnergyHead.LAYER_NORM_EPS));
        this.linear0 = child("linears.0", new Linear(2L * channels, channels, true));
        this.linear2 = child("linears.2", new Linear(channels, channels, true));
        this.linear4 = child("linears.4", new Linear(channels, 2L * channels, true));
        this.downProj = child("down_proj", new Linear(channels, channels, true));
    }

    /**
     * The hidden state's share of the first linear layer, W0y y + b0.
     *
     * @param y conditioning hidden states, [P, d]
     * @return [P, d]
     */
    NDArray condition(NDArray y) {
        return linear0.forwardPart(y, channels, 2L * channels, true); // W0[:, d:2d] y + b0
    }

    /**
     * @param x noise embeddings of n samples per position, [n*P, d] (sample-major)
     * @param condition {@link #condition} of the hidden states, [P, d]
     * @param n samples per position
     * @return refined embeddings, [n*P, d]
     */
    NDArray forward(NDArray x, NDArray condition, long n) {
        long rows = x.getShape().get(0);
        // == linears.0(concatenation [LN(x); y]), from the narrowed weight's two halves
        NDArray h = linear0.forwardPart(inLn.forward(x), 0, channels, false) // [n*P, d]
                .reshape(n, rows / n, channels).add(condition).reshape(rows, channels); // + the position's share
        h = linear4.forward(silu(linear2.forward(silu(h)))); // [n*P, 2d]
        NDList gateUp = h.split(2, 1); // 2 x [n*P, d]
        NDArray step = downProj.forward(silu(gateUp.get(0)).mul(gateUp.get(1))); // [n*P, d]
        return x.add(step);
    }

    /**
     * The block for one sample per position, as the reference computes it: one product of {@code linears.0} with
     * [LN(x); y], and 2-D products whose bias is added in the same call.
     *
     * @param x noise embeddings, [P, d]
     * @param y conditioning hidden states, [P, d]
     * @return refined embeddings, [P, d]
     */
    NDArray forwardOneSample(NDArray x, NDArray y) {
        NDArray h = linear0.forward(NDArrays.concat(new NDList(inLn.forward(x), y), 1)); // [P, 2d] -> [P, d]
        h = linear4.forward(silu(linear2.forward(silu(h)))); // [P, 2d]
        NDList gateUp = h.split(2, 1); // 2 x [P, d]
        return x.add(downProj.forward(silu(gateUp.get(0)).mul(gateUp.get(1)))); // [P, d]
    }
}
