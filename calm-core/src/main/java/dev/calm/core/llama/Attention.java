/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;

/**
 * Causal multi-head self-attention with grouped-query heads and rotary positions, as Hugging Face's
 * {@code LlamaAttention}: query head h reads key/value head h / (heads / kvHeads).
 */
public final class Attention extends Module {

    /** Added to the scores of future positions; exp underflows to exactly 0 in FP32. */
    private static final float MASKED = -1e30f;

    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final Linear qProj; // [heads * headDim, d]
    private final Linear kProj; // [kvHeads * headDim, d]
    private final Linear vProj; // [kvHeads * headDim, d]
    private final Linear oProj; // [d, heads * headDim]
    private NDArray scale; // [] = 1 / sqrt(headDim), on the parameters' device

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

    @Override
    protected void allocateBuffers(NDManager manager) {
        if (scale != null) {
            scale.close();
        }
        scale = manager.create((float) (1.0 / Math.sqrt(headDim)));
    }

    /**
     * @param x [B, T, d], the normalised hidden states of T new positions
     * @param rope cos/sin tables of those positions
     * @param cache the cache to read and extend, or null for a full-sequence pass
     * @param layer this layer's index in the cache
     * @return [B, T, d]
     */
    public NDArray forward(NDArray x, RotaryEmbedding.Tables rope, KVCache cache, int layer) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
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

        // Group the query heads by the key/value head they share; matmul broadcasts over the group axis.
        NDArray qg = q.reshape(b, kvHeads, groups, t, headDim); // [B, Hkv, G, T, hd]
        NDArray kg = k.expandDims(2); // [B, Hkv, 1, S, hd]
        NDArray vg = v.expandDims(2); // [B, Hkv, 1, S, hd]
        // A result belongs to its first operand's manager: views of cached keys would pile up in the cache's
        // manager (keeping every old cache tensor alive) unless handed to this step.
        kg.attach(x.getManager());
        vg.attach(x.getManager());
        NDArray scores = qg.matMul(kg.transpose(0, 1, 2, 4, 3)).mul(scale); // [B, Hkv, G, T, S]
        if (t > 1) {
            scores = scores.add(causalMask(x.getManager(), past, t, s)); // + [T, S]
        }
        NDArray out = scores.softmax(-1).matMul(vg); // [B, Hkv, G, T, hd]
        out = out.reshape(b, heads, t, headDim).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
        return oProj.forward(out); // [B, T, d]
    }

    /** [B, T, n * hd] -> [B, n, T, hd] */
    private NDArray split(NDArray x, long b, long t, int n) {
        return x.reshape(b, t, n, headDim).transpose(0, 2, 1, 3);
    }

    /**
     * Additive mask: query i (at position past + i) may read key j only if j <= past + i.
     *
     * @return [T, S], 0 where allowed and a large negative number elsewhere
     */
    static NDArray causalMask(NDManager manager, int past, long t, long s) {
        NDArray queryPos = manager.arange((float) past, (float) (past + t), 1f, DataType.FLOAT32).reshape(t, 1); // [T, 1]
        NDArray keyPos = manager.arange(0f, (float) s, 1f, DataType.FLOAT32).reshape(1, s); // [1, S]
        return keyPos.gt(queryPos).toType(DataType.FLOAT32, false).mul(MASKED); // [T, S]
    }

    /** @return number of query heads */
    public int heads() {
        return heads;
    }
}
