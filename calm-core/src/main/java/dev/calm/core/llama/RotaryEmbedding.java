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
 *
 * <p>For passes without gradients ({@link #headTables}, {@link #applyToHeads}) the tables also exist per head of
 * a fused q/k/v projection: query heads carry the attention scale 1/sqrt(head_dim) (exact when head_dim is a power
 * of 4, as 64 and 256, since the scale is then a power of 2), key heads are rotated as above, and value heads
 * get cos 1 and sin 0, so one rotation of all heads leaves the values as they were. The half swap is then a
 * product with a permutation matrix: one engine call instead of three.
 */
public final class RotaryEmbedding extends Module {

    private final int headDim;
    private final int maxPositions;
    private final double theta;
    private final int heads; // query heads of the fused projection, 0 without one
    private final int kvHeads;
    private NDArray cos; // [maxPositions, headDim]
    private NDArray signedSin; // [maxPositions, headDim]: concat(-sin, sin) of the half-size angles
    private NDArray headCos; // [maxPositions, heads + 2 kvHeads, headDim]: q (scaled), k, v (1)
    private NDArray headSin; // [maxPositions, heads + 2 kvHeads, headDim]: q (scaled), k, v (0)
    private NDArray swapHalves; // [headDim, headDim]: x @ swapHalves = concat(x2, x1)

    /**
     * @param headDim size of one head (even)
     * @param maxPositions number of positions to tabulate
     * @param theta the base, 10000 in Llama and CALM
     */
    public RotaryEmbedding(int headDim, int maxPositions, double theta) {
        this(headDim, maxPositions, theta, 0, 0);
    }

    /**
     * Rotary embeddings with per-head tables for a fused projection of {@code heads} query heads, then
     * {@code kvHeads} key heads and {@code kvHeads} value heads.
     *
     * @param headDim size of one head (even)
     * @param maxPositions number of positions to tabulate
     * @param theta the base, 10000 in Llama and CALM
     * @param heads query heads
     * @param kvHeads key (and value) heads
     */
    public RotaryEmbedding(int headDim, int maxPositions, double theta, int heads, int kvHeads) {
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        this.theta = theta;
        this.heads = heads;
        this.kvHeads = kvHeads;
    }

    /** The cos and signed sin rows of a run of positions, shared by every layer of one forward pass. */
    public record Tables(NDArray cos, NDArray signedSin) {}

    /**
     * The per-head tables of a run of positions and the half-swap matrix, shared by every layer of one pass.
     *
     * @param cos [T, heads + 2 kvHeads, headDim]
     * @param signedSin [T, heads + 2 kvHeads, headDim]
     * @param swapHalves [headDim, headDim]
     */
    public record HeadTables(NDArray cos, NDArray signedSin, NDArray swapHalves) {}

    /** Computes the tables in double precision into the module's manager. */
    @Override
    protected void allocateBuffers() {
        NDManager manager = manager();
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
        if (heads > 0) {
            allocateHeadTables(manager, c, s);
        }
    }

    private void allocateHeadTables(NDManager manager, float[] c, float[] s) {
        int total = heads + 2 * kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] hc = new float[maxPositions * total * headDim];
        float[] hs = new float[hc.length];
        for (int pos = 0; pos < maxPositions; pos++) {
            for (int h = 0; h < total; h++) {
                int to = (pos * total + h) * headDim;
                int from = pos * headDim;
                for (int i = 0; i < headDim; i++) {
                    if (h < heads) { // queries: rotated and scaled
                        hc[to + i] = c[from + i] * scale;
                        hs[to + i] = s[from + i] * scale;
                    } else if (h < heads + kvHeads) { // keys: rotated
                        hc[to + i] = c[from + i];
                        hs[to + i] = s[from + i];
                    } else { // values: unchanged
                        hc[to + i] = 1f;
                    }
                }
            }
        }
        Shape shape = new Shape(maxPositions, total, headDim);
        headCos = buffer(Backend.owned(manager.create(hc, shape))); // libtorch's memory, 64-byte aligned
        headSin = buffer(Backend.owned(manager.create(hs, shape)));
        float[] swap = new float[headDim * headDim];
        int half = headDim / 2;
        for (int k = 0; k < headDim; k++) {
            swap[((k + half) % headDim) * headDim + k] = 1f; // column k reads row (k + hd/2) mod hd
        }
        swapHalves = buffer(Backend.owned(manager.create(swap, new Shape(headDim, headDim))));
    }

    /**
     * @param manager owner of the returned slices (the step's manager)
     * @param offset first position
     * @param length number of positions
     * @return per-head cos and signed sin, each [length, heads + 2 kvHeads, headDim], and the swap matrix
     */
    public HeadTables headTables(NDManager manager, int offset, int length) {
        checkHeadTables();
        checkRun(offset, length);
        return new HeadTables(Backend.narrow(headCos, 0, offset, offset + length, manager),
                Backend.narrow(headSin, 0, offset, offset + length, manager), swapHalves);
    }

    /**
     * @param manager owner of the returned rows (the step's manager)
     * @param positions any positions, in any order
     * @return per-head cos and signed sin, each [positions.length, heads + 2 kvHeads, headDim], and the swap matrix
     */
    public HeadTables headTables(NDManager manager, long[] positions) {
        checkHeadTables();
        checkPositions(positions);
        NDArray rows = manager.create(positions);
        return new HeadTables(headCos.get(manager, new NDIndex("{}", rows)),
                headSin.get(manager, new NDIndex("{}", rows)), swapHalves);
    }

    private void checkHeadTables() {
        if (headSin == null) {
            throw new IllegalStateException("per-head rotary tables not allocated: construct with the head counts "
                    + "and initialize or load the module first");
        }
    }

    /**
     * Rotates the queries and keys of a fused projection, scales the queries by 1/sqrt(headDim) and leaves the
     * values: x * cos + (x @ swapHalves) * signedSin with the per-head tables, the same products and sum as
     * {@link #apply}.
     *
     * @param x [B, T, heads + 2 kvHeads, headDim]
     * @param t the per-head tables of the T positions
     * @return [B, T, heads + 2 kvHeads, headDim]
     */
    public static NDArray applyToHeads(NDArray x, HeadTables t) {
        return x.mul(t.cos()).add(x.matMul(t.swapHalves()).mul(t.signedSin()));
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
        checkRun(offset, length);
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
        checkPositions(positions);
        NDArray rows = manager.create(positions);
        return new Tables(cos.get(manager, new NDIndex("{}", rows)), signedSin.get(manager, new NDIndex("{}", rows)));
    }

    private void checkRun(int offset, int length) {
        if (offset < 0 || offset + length > maxPositions) {
            throw new IllegalArgumentException("positions " + offset + ".." + (offset + length - 1)
                    + " exceed max_position_embeddings " + maxPositions);
        }
    }

    private void checkPositions(long[] positions) {
        for (long p : positions) {
            if (p < 0 || p >= maxPositions) {
                throw new IllegalArgumentException("position " + p + " exceeds max_position_embeddings " + maxPositions);
            }
        }
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
