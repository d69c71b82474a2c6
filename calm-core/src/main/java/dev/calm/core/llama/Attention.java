/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;

/**
 * Causal multi-head self-attention with grouped-query heads and rotary positions, as Hugging Face's
 * {@code LlamaAttention}: query head h reads key/value head h / (heads / kvHeads).
 */
public final class Attention extends Module {

    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final Linear qProj; // [heads * headDim, d]
    private final Linear kProj; // [kvHeads * headDim, d]
    private final Linear vProj; // [kvHeads * headDim, d]
    private final Linear oProj; // [d, heads * headDim]
    private NDArray scale; // [] = 1 / sqrt(headDim), on the parameters' device
    private NDArray qkvT; // [d, (heads + 2 kvHeads) * headDim]: q_proj, k_proj, v_proj in one buffer, transposed

    /** @param c the backbone config */
    public Attention(TransformerConfig c) {
        this.heads = c.numAttentionHeads();
        this.kvHeads = c.numKeyValueHeads();
        this.headDim = c.headDim();
        int d = c.hiddenSize();
        this.qProj = child("q_proj", new Linear(d, (long) heads * headDim, false));
        this.kProj = child("k_proj", new Linear(d, (long) kvHeads * headDim, false));
        this.vProj = child("v_proj", new Linear(d, (long) kvHeads * headDim, false));
        this.oProj = child("o_proj", new Linear((long) heads * headDim, d, false));
    }

    /** The scale, and q_proj, k_proj and v_proj stored in one buffer (names and values unchanged). */
    @Override
    protected void allocateBuffers() {
        scale = buffer(manager().create((float) (1.0 / Math.sqrt(headDim))));
        qkvT = buffer(fuseRows(qProj.weight(), kProj.weight(), vProj.weight()).transpose());
    }

    /**
     * @param x [B, T, d], the normalised hidden states of T new positions
     * @param rope cos/sin tables of those positions
     * @param cache the cache to read and extend, or null for a full-sequence pass
     * @param layer this layer's index in the cache
     * @param mask an additive mask [rows, T, S] from an {@link AttentionLayout}, or null for causal reading
     * @return [B, T, d]
     */
    public NDArray forward(NDArray x, RotaryEmbedding.Tables rope, KVCache cache, int layer, NDArray mask) {
        long b = x.getShape().get(0);
        int t = (int) x.getShape().get(1);
        int groups = heads / kvHeads;
        NDArray q = split(qProj.forward(x), b, t, heads); // [B, H, T, hd]
        NDArray k = split(kProj.forward(x), b, t, kvHeads); // [B, Hkv, T, hd]
        NDArray v = split(vProj.forward(x), b, t, kvHeads); // [B, Hkv, T, hd]
        q = RotaryEmbedding.apply(q, rope);
        k = RotaryEmbedding.apply(k, rope);
        int past = 0;
        if (cache != null) {
            past = cache.length();
            NDList kv = cache.append(layer, k, v);
            k = kv.get(0); // [B, Hkv, S, hd]
            v = kv.get(1);
        }
        long s = k.getShape().get(2);

        // Grouped-query attention: the G query heads that share a key/value head are stacked along the time
        // axis, so one plain matmul per key/value head serves all of them (no copies of k and v per group).
        // == repeat_kv(k, G) and repeat_kv(v, G) against q of H heads, as Hugging Face's LlamaAttention
        NDArray qg = q.reshape(b, kvHeads, groups * t, headDim); // [B, Hkv, G*T, hd]
        NDArray scores = qg.matMul(k.swapAxes(2, 3)).mul(scale); // [B, Hkv, G*T, S]
        if (mask != null) {
            long rows = mask.getShape().get(0);
            scores = scores.reshape(b, kvHeads, groups, t, s)
                    .add(mask.reshape(rows, 1, 1, t, s)) // the same mask for the G heads of a group
                    .reshape(b, kvHeads, (long) groups * t, s);
        } else if (t > 1) {
            scores = scores.add(causalMask(x.getManager(), past, groups, t, s)); // + [G*T, S]
        }
        NDArray out = scores.softmax(-1).matMul(v); // [B, Hkv, G*T, hd]
        out = out.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return oProj.forward(out); // [B, T, d]
    }

    /**
     * The same attention for passes without gradients, in about half the engine calls of {@link #forward}: one
     * matmul projects q, k and v together (their weights share one buffer), one rotation of all heads with
     * per-head tables rotates q and k, scales q by 1/sqrt(headDim) and leaves v, and keys and values go to the
     * cache in one write.
     *
     * @param x [B, T, d], the normalised hidden states of T new positions
     * @param rope per-head tables of those positions ({@link RotaryEmbedding#headTables})
     * @param cache the cache to read and extend, or null for a full-sequence pass
     * @param layer this layer's index in the cache
     * @param mask an additive mask [rows, T, S] from an {@link AttentionLayout}, or null
     * @param causal the causal mask [G*T, S] from {@link #causalMask} when T &gt; 1 and there is no layout, else null
     * @return [B, T, d]
     */
    public NDArray forwardInference(NDArray x, RotaryEmbedding.HeadTables rope, KVCache cache, int layer,
            NDArray mask, NDArray causal) {
        long b = x.getShape().get(0);
        int t = (int) x.getShape().get(1);
        int groups = heads / kvHeads;
        int total = heads + 2 * kvHeads;
        NDArray qkv = RotaryEmbedding.applyToHeads(x.matMul(qkvT).reshape(b, t, total, headDim), rope)
                .transpose(0, 2, 1, 3); // [B, H + 2 Hkv, T, hd]: q rotated and scaled, k rotated, v
        NDList parts = qkv.split(new long[] {heads}, 1); // q [B, H, T, hd], k and v [B, 2 Hkv, T, hd]
        NDArray q = parts.get(0);
        NDList kv = cache != null ? cache.appendTogether(layer, parts.get(1)) // all S positions
                : parts.get(1).split(2, 1);
        NDArray k = kv.get(0); // [B, Hkv, S, hd]
        NDArray v = kv.get(1);
        long s = k.getShape().get(2);
        NDArray qg = groups == 1 ? q : q.reshape(b, kvHeads, groups * t, headDim); // [B, Hkv, G*T, hd]
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)); // [B, Hkv, G*T, S], scaled through q
        if (mask != null) {
            long rows = mask.getShape().get(0);
            scores = scores.reshape(b, kvHeads, groups, t, s)
                    .add(mask.reshape(rows, 1, 1, t, s)) // the same mask for the G heads of a group
                    .reshape(b, kvHeads, (long) groups * t, s);
        } else if (causal != null) {
            scores = scores.add(causal); // + [G*T, S]
        }
        NDArray out = scores.softmax(-1).matMul(v); // [B, Hkv, G*T, hd]
        out = t == 1 ? out.reshape(b, 1, (long) heads * headDim) // [B, H, 1, hd] is already [B, 1, H*hd] in memory
                : out.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return oProj.forwardInference(out); // [B, T, d]
    }

    /** @return the number of query heads that share one key/value head */
    int groups() {
        return heads / kvHeads;
    }

    /** [B, T, n * hd] -> [B, n, T, hd] */
    private NDArray split(NDArray x, long b, long t, int n) {
        return x.reshape(b, t, n, headDim).transpose(0, 2, 1, 3);
    }

    /**
     * Additive mask: row g*T + i (query i of group g, at position past + i) may read key j only if j <= past + i.
     *
     * @return [G*T, S], 0 where allowed and a large negative number elsewhere
     */
    static NDArray causalMask(NDManager manager, int past, int groups, long t, long s) {
        float[] rows = new float[(int) (groups * t)];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = past + r % t;
        }
        NDArray queryPos = manager.create(rows, new Shape(rows.length, 1)); // [G*T, 1]
        NDArray keyPos = manager.arange(0f, (float) s, 1f, DataType.FLOAT32).reshape(1, s); // [1, S]
        return keyPos.gt(queryPos).toType(DataType.FLOAT32, false).mul(AttentionLayout.MASKED); // [G*T, S]
    }
}
