/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.pretrained;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.llama.TransformerConfig;

/**
 * The Llama backbone's config in Hugging Face's flat form ({@code LlamaConfig}, whose fields the reference's
 * {@code CALMConfig} repeats): the one place that maps it to and from {@link TransformerConfig}. Settings this
 * library does not implement (another activation, biases, RoPE scaling) are refused by name rather than ignored.
 */
public final class HfLlamaConfig {

    /** Hugging Face {@code LlamaConfig}'s defaults, for fields a config leaves out. */
    public static final TransformerConfig LLAMA_DEFAULTS =
            new TransformerConfig(32000, 4096, 11008, 32, 32, 32, 2048, 10000, 1e-6);

    private HfLlamaConfig() {}

    /**
     * @param f a config.json
     * @param defaults the values of the fields it leaves out (the defaults of the Python class that wrote it);
     *     {@code num_key_value_heads} defaults to {@code num_attention_heads}
     * @return the backbone's config
     * @throws CalmException naming the file and the field that is invalid or not supported
     */
    public static TransformerConfig fromHf(ConfigFields f, TransformerConfig defaults) {
        f.require("hidden_act", "silu", "the activation");
        f.require("attention_bias", false, "attention projections with bias");
        f.require("mlp_bias", false, "MLP projections with bias");
        if (f.has("rope_scaling")) {
            throw f.problem("rope_scaling " + f.json().get("rope_scaling") + " is not supported: this library "
                    + "implements plain RoPE only (rope_scaling null)");
        }
        int hidden = f.integer("hidden_size", defaults.hiddenSize());
        int heads = f.integer("num_attention_heads", defaults.numAttentionHeads());
        if (f.has("head_dim") && heads > 0 && f.integer("head_dim", 0) * heads != hidden) {
            throw f.problem("head_dim " + f.integer("head_dim", 0) + " is not hidden_size / num_attention_heads ("
                    + hidden + " / " + heads + "), which this library requires");
        }
        try {
            return new TransformerConfig(f.integer("vocab_size", defaults.vocabSize()), hidden,
                    f.integer("intermediate_size", defaults.intermediateSize()),
                    f.integer("num_hidden_layers", defaults.numHiddenLayers()), heads,
                    f.integer("num_key_value_heads", heads),
                    f.integer("max_position_embeddings", defaults.maxPositionEmbeddings()),
                    f.number("rope_theta", defaults.ropeTheta()), f.number("rms_norm_eps", defaults.rmsNormEps()));
        } catch (CalmException e) {
            throw f.problem(e.getMessage());
        }
    }

    /**
     * @param config the backbone's config
     * @return its fields as Hugging Face writes them, with the settings this library implements spelled out
     */
    public static ObjectNode toHf(TransformerConfig config) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("vocab_size", config.vocabSize())
                .put("hidden_size", config.hiddenSize())
                .put("intermediate_size", config.intermediateSize())
                .put("num_hidden_layers", config.numHiddenLayers())
                .put("num_attention_heads", config.numAttentionHeads())
                .put("num_key_value_heads", config.numKeyValueHeads())
                .put("max_position_embeddings", config.maxPositionEmbeddings())
                .put("rope_theta", config.ropeTheta())
                .put("rms_norm_eps", config.rmsNormEps())
                .put("hidden_act", "silu")
                .put("attention_bias", false)
                .put("mlp_bias", false)
                .put("tie_word_embeddings", false)
                .putNull("rope_scaling");
        return node;
    }
}
