/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.nn.Embedding;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.RMSNorm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Llama-style backbone shared by CALM and the token-level baseline, Hugging Face's {@code LlamaModel}:
 * token embedding, a stack of {@link DecoderLayer}s and a final RMSNorm. It returns hidden states; the heads
 * that turn them into tokens or vectors live in the modules above.
 *
 * <p>Parameters: {@code embed_tokens.weight}, {@code layers.{i}.(input_layernorm|self_attn.(q|k|v|o)_proj|
 * post_attention_layernorm|mlp.(gate|up|down)_proj).weight}, {@code norm.weight}.
 *
 * <p>A pass without gradients (grad mode off, as in generation and evaluation) takes the fused inference path:
 * each layer's q/k/v projections, and its gate/up projections, are stored in one buffer each (the parameters are
 * views of it, so names on disk, training and in-place updates are unchanged) and run as one matmul, with about
 * half the engine calls per layer. {@link #setFusedInference(boolean) setFusedInference(false)} keeps the
 * training path for every pass; the two agree to rounding.
 */
public class Transformer extends Module {

    private final TransformerConfig config;
    private final Embedding embedTokens; // [vocab, d]
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RMSNorm norm;
    private final RotaryEmbedding rope;
    private boolean fusedInference = true;

    /** @param config the shape of the backbone */
    public Transformer(TransformerConfig config) {
        this.config = config;
        this.embedTokens = child("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize()));
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(child("layers." + i, new DecoderLayer(config, i)));
        }
        this.norm = child("norm", new RMSNorm(config.hiddenSize(), config.rmsNormEps()));
        this.rope = child("rotary_emb", new RotaryEmbedding(config.headDim(), config.maxPositionEmbeddings(),
                config.ropeTheta(), config.numAttentionHeads(), config.numKeyValueHeads()));
    }

    /**
     * Chooses the path of passes without gradients: the fused inference path (the default) or the training path.
     *
     * @param fused whether passes without gradients take the fused path
     * @return this backbone
     */
    public Transformer setFusedInference(boolean fused) {
        this.fusedInference = fused;
        return this;
    }

    /** @return the backbone's shape (Hugging Face {@code LlamaConfig} fields), fixed at construction */
    public TransformerConfig config() {
        return config;
    }

    /** @return the token embedding, whose matrix a tied LM head reuses */
    public Embedding embedTokens() {
        return embedTokens;
    }

    /** @return the decoder layers {@code layers.0 .. layers.(L-1)} in order, as an unmodifiable list */
    public List<DecoderLayer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * @param ids token ids [B, T] (INT64 or INT32)
     * @return embeddings [B, T, d]
     */
    public NDArray embed(NDArray ids) {
        return embedTokens.forward(ids);
    }

    /**
     * Runs token ids through the backbone.
     *
     * @param ids [B, T]
     * @param cache the KV cache to read and extend, or null for a full-sequence pass from position 0
     * @return final-normed hidden states [B, T, d]
     */
    public NDArray forwardTokens(NDArray ids, KVCache cache) {
        return forward(embed(ids), cache, null);
    }

    /**
     * Runs token ids through the backbone with explicit positions and attention mask.
     *
     * @param ids [B, T]
     * @param cache the KV cache to read and extend, or null
     * @param layout positions and mask of the T new positions, or null for a causal run from the cache's end
     * @return final-normed hidden states [B, T, d]
     */
    public NDArray forwardTokens(NDArray ids, KVCache cache, AttentionLayout layout) {
        return forward(embed(ids), cache, layout);
    }

    /**
     * Runs input embeddings through the backbone (CALM feeds compressed chunk embeddings here).
     *
     * @param inputsEmbeds [B, T, d]
     * @param cache the KV cache to read and extend, or null for a full-sequence pass from position 0
     * @return final-normed hidden states [B, T, d]
     */
    public NDArray forward(NDArray inputsEmbeds, KVCache cache) {
        return forward(inputsEmbeds, cache, null);
    }

    /**
     * Runs input embeddings through the backbone with explicit positions and attention mask: the general form,
     * for left-padded batches and for branches off a cached prefix.
     *
     * @param inputsEmbeds [B, T, d]
     * @param cache the KV cache to read and extend, or null
     * @param layout positions and mask of the T new positions, or null for a causal run from the cache's end
     * @return final-normed hidden states [B, T, d]
     */
    public NDArray forward(NDArray inputsEmbeds, KVCache cache, AttentionLayout layout) {
        var shape = inputsEmbeds.getShape();
        if (shape.dimension() != 3 || shape.get(2) != config.hiddenSize()) {
            throw new CalmException("backbone input must be [batch, time, " + config.hiddenSize() + "], got " + shape);
        }
        int t = (int) shape.get(1);
        int past = cache == null ? 0 : cache.length();
        long end = layout == null ? past + t : layout.maxPosition() + 1;
        if (end > config.maxPositionEmbeddings()) {
            throw new CalmException("sequence of " + end + " positions exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        if (layout != null) {
            Shape m = layout.mask().getShape();
            if (layout.length() != t || m.get(2) != past + t || (m.get(0) != 1 && m.get(0) != shape.get(0))) {
                throw new CalmException("attention layout for " + layout.length() + " positions with mask " + m
                        + " does not fit an input " + shape + " after " + past + " cached positions");
            }
        }
        NDManager manager = inputsEmbeds.getManager();
        NDArray mask = layout == null ? null : layout.mask();
        NDArray h = inputsEmbeds;
        if (fusedInference && !Backend.isGradMode()) {
            RotaryEmbedding.HeadTables tables = layout == null ? rope.headTables(manager, past, t)
                    : rope.headTables(manager, layout.positions());
            int groups = layers.get(0).groups();
            NDArray causal = layout == null && t > 1 ? Attention.causalMask(manager, past, groups, t, past + t) : null;
            for (DecoderLayer layer : layers) {
                h = layer.forwardInference(h, tables, cache, mask, causal);
            }
        } else {
            RotaryEmbedding.Tables tables = layout == null ? rope.tables(manager, past, t)
                    : rope.tables(manager, layout.positions());
            for (DecoderLayer layer : layers) {
                h = layer.forward(h, tables, cache, mask);
            }
        }
        if (cache != null) {
            cache.advance(t);
        }
        return norm.forward(h);
    }

    /**
     * @param manager the manager the cache lives under
     * @return an empty KV cache for this backbone
     */
    public KVCache newCache(NDManager manager) {
        return new KVCache(manager, layers.size());
    }
}
