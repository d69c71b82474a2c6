/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al. 2021) in the rotate-half convention of Hugging Face Llama: the head
 * vector's two halves form the pairs (x_i, x_{i + hd/2}), each rotated by the angle pos * theta^(-2i/hd).
 * Tables are computed once in double precision on the host; a forward pass copies the rows it needs.
 */
public final class RotaryEmbedding {

    private final int headDim;
    private final int maxPositions;
    private final float[] cos; // [maxPositions, headDim]
    private final float[] sin; // [maxPositions, headDim]

    /**
     * @param headDim size of one head (even)
     * @param maxPositions number of positions to tabulate
     * @param theta the base, 10000 in Llama and CALM
     */
    public RotaryEmbedding(int headDim, int maxPositions, double theta) {
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        this.cos = new float[maxPositions * headDim];
        this.sin = new float[maxPositions * headDim];
        int half = headDim / 2;
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(theta, 2.0 * i / headDim);
                double angle = pos * invFreq;
                // emb = concat(freqs, freqs): the same angle for i and i + half
                cos[pos * headDim + i] = cos[pos * headDim + i + half] = (float) Math.cos(angle);
                sin[pos * headDim + i] = sin[pos * headDim + i + half] = (float) Math.sin(angle);
            }
        }
    }

    /** The cos and sin rows of a run of positions, shared by every layer of one forward pass. */
    public record Tables(NDArray cos, NDArray sin) {}

    /**
     * @param manager owner and device of the tables
     * @param offset first position
     * @param length number of positions
     * @return cos and sin, each [length, headDim]
     */
    public Tables tables(NDManager manager, int offset, int length) {
        if (offset < 0 || offset + length > maxPositions) {
            throw new IllegalArgumentException("positions " + offset + ".." + (offset + length - 1)
                    + " exceed max_position_embeddings " + maxPositions);
        }
        Shape shape = new Shape(length, headDim);
        int from = offset * headDim;
        int to = from + length * headDim;
        return new Tables(
                manager.create(java.util.Arrays.copyOfRange(cos, from, to), shape),
                manager.create(java.util.Arrays.copyOfRange(sin, from, to), shape));
    }

    /**
     * Rotates queries or keys: x * cos + rotate_half(x) * sin.
     *
     * @param x [B, heads, T, headDim]
     * @param t tables for the T positions
     * @return [B, heads, T, headDim]
     */
    public static NDArray apply(NDArray x, Tables t) {
        return x.mul(t.cos()).add(rotateHalf(x).mul(t.sin()));
    }

    /** rotate_half(x) = concat(-x2, x1) where x1, x2 are the halves of the last axis. */
    static NDArray rotateHalf(NDArray x) {
        int last = x.getShape().dimension() - 1;
        long half = x.getShape().get(last) / 2;
        NDArray x1 = x.get(new NDIndex("..., :{}", half));
        NDArray x2 = x.get(new NDIndex("..., {}:", half));
        return NDArrays.concat(new NDList(x2.neg(), x1), last);
    }
}
