/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.nn.Module;

/**
 * Rotary position embeddings (Su et al. 2021) in the rotate-half convention of Hugging Face Llama: the head
 * vector's two halves form the pairs (x_i, x_{i + hd/2}), each rotated by the angle pos * theta^(-2i/hd):
 *
 * <pre>  rope(x) = x * cos + rotate_half(x) * sin,   rotate_half(x) = concat(-x2, x1)</pre>
 *
 * Since the two halves of sin are equal, rotate_half(x) * sin = swap_halves(x) * concat(-sin1, sin1): a flip of
 * the halves and one product with a pre-signed table. Tables are computed once in double precision and kept
 * on the device as buffers (the module has no parameters, like Hugging Face's {@code rotary_emb}); a forward
 * pass takes views of the rows of its positions.
 */
public final class RotaryEmbedding extends Module {

    private final int headDim;
    private final int maxPositions;
    private final double theta;
    private NDArray cos; // [maxPositions, headDim]
    private NDArray signedSin; // [maxPositions, headDim]: concat(-sin, sin) of the half-size angles

    /**
     * @param headDim size of one head (even)
     * @param maxPositions number of positions to tabulate
     * @param theta the base, 10000 in Llama and CALM
     */
    public RotaryEmbedding(int headDim, int maxPositions, double theta) {
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        this.theta = theta;
    }

    /** The cos and signed sin rows of a run of positions, shared by every layer of one forward pass. */
    public record Tables(NDArray cos, NDArray signedSin) {}

    /** Computes the tables in double precision into {@code manager}. */
    @Override
    protected void allocateBuffers(NDManager manager) {
        int half = headDim / 2;
        float[] c = new float[maxPositions * headDim];
        float[] s = new float[maxPositions * headDim];
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int i = 0; i < half; i++) {
                double angle = pos / Math.pow(theta, 2.0 * i / headDim); // pos * inv_freq[i]
                c[pos * headDim + i] = c[pos * headDim + i + half] = (float) Math.cos(angle);
                s[pos * headDim + i] = (float) -Math.sin(angle); // the sign of rotate_half's -x2
                s[pos * headDim + i + half] = (float) Math.sin(angle);
            }
        }
        Shape shape = new Shape(maxPositions, headDim);
        cos = buffer(manager.create(c, shape));
        signedSin = buffer(manager.create(s, shape));
    }

    /**
     * @param manager owner of the returned slices (the step's manager)
     * @param offset first position
     * @param length number of positions
     * @return cos and signed sin, each [length, headDim]
     */
    public Tables tables(NDManager manager, int offset, int length) {
        if (cos == null) {
            throw new IllegalStateException("rotary tables not allocated: initialize or load the module first");
        }
        if (offset < 0 || offset + length > maxPositions) {
            throw new IllegalArgumentException("positions " + offset + ".." + (offset + length - 1)
                    + " exceed max_position_embeddings " + maxPositions);
        }
        return new Tables(Backend.narrow(cos, 0, offset, offset + length, manager),
                Backend.narrow(signedSin, 0, offset, offset + length, manager));
    }

    /**
     * @param manager owner of the returned rows (the step's manager)
     * @param positions any positions, in any order
     * @return cos and signed sin, each [positions.length, headDim]
     */
    public Tables tables(NDManager manager, long[] positions) {
        if (cos == null) {
            throw new IllegalStateException("rotary tables not allocated: initialize or load the module first");
        }
        for (long p : positions) {
            if (p < 0 || p >= maxPositions) {
                throw new IllegalArgumentException("position " + p + " exceeds max_position_embeddings " + maxPositions);
            }
        }
        NDArray rows = manager.create(positions);
        return new Tables(cos.get(manager, new NDIndex("{}", rows)), signedSin.get(manager, new NDIndex("{}", rows)));
    }

    /**
     * Rotates queries or keys: x * cos + swap_halves(x) * signedSin.
     *
     * @param x [B, heads, T, headDim]
     * @param t tables for the T positions
     * @return [B, heads, T, headDim]
     */
    public static NDArray apply(NDArray x, Tables t) {
        Shape shape = x.getShape();
        long half = shape.get(shape.dimension() - 1) / 2;
        NDArray swapped = x.reshape(shape.slice(0, shape.dimension() - 1).add(2, half)) // [B, H, T, 2, hd/2]
                .flip(shape.dimension() - 1) // halves swapped
                .reshape(shape); // [B, H, T, hd] = concat(x2, x1)
        // == x * cos + rotate_half(x) * sin, with the sign of rotate_half's -x2 moved into the table
        return x.mul(t.cos()).add(swapped.mul(t.signedSin()));
    }
}
