/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.RMSNorm;
import dev.calm.core.nn.SwiGLU;

/** One pre-norm Llama block: h = x + attn(norm(x)); out = h + mlp(norm(h)). */
public final class DecoderLayer extends Module {

    private final int index;
    private final RMSNorm inputLayernorm;
    private final Attention selfAttn;
    private final RMSNorm postAttentionLayernorm;
    private final SwiGLU mlp;

    /**
     * @param c the backbone config
     * @param index this layer's position in the stack (its slot in the KV cache)
     */
    public DecoderLayer(TransformerConfig c, int index) {
        this.index = index;
        this.inputLayernorm = child("input_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps()));
        this.selfAttn = child("self_attn", new Attention(c));
        this.postAttentionLayernorm = child("post_attention_layernorm", new RMSNorm(c.hiddenSize(), c.rmsNormEps()));
        this.mlp = child("mlp", new SwiGLU(c.hiddenSize(), c.intermediateSize()));
    }

    /**
     * @param x [B, T, d]
     * @param rope cos/sin tables of the T positions
     * @param cache the KV cache, or null
     * @param mask an additive attention mask [rows, T, S], or null for causal attention
     * @return [B, T, d]
     */
    public NDArray forward(NDArray x, RotaryEmbedding.Tables rope, KVCache cache, NDArray mask) {
        NDArray h = x.add(selfAttn.forward(inputLayernorm.forward(x), rope, cache, index, mask));
        return h.add(mlp.forward(postAttentionLayernorm.forward(h)));
    }

    /**
     * The same block for passes without gradients, through the fused attention and MLP.
     *
     * @param x [B, T, d]
     * @param rope per-head tables of the T positions
     * @param cache the KV cache, or null
     * @param mask an additive attention mask [rows, T, S], or null
     * @param causal the causal mask [G*T, S] when T &gt; 1 and there is no layout mask, else null
     * @return [B, T, d]
     */
    public NDArray forwardInference(NDArray x, RotaryEmbedding.HeadTables rope, KVCache cache, NDArray mask,
            NDArray causal) {
        NDArray h = x.add(selfAttn.forwardInference(inputLayernorm.forward(x), rope, cache, index, mask, causal));
        return h.add(mlp.forwardInference(postAttentionLayernorm.forward(h)));
    }

    /** @return the number of query heads per key/value head */
    int groups() {
        return selfAttn.groups();
    }
}
