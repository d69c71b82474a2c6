/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Shape of the Llama-style backbone. JSON field names are those of Hugging Face's {@code LlamaConfig}
 * ({@code hidden_size}, {@code num_hidden_layers}, ...).
 *
 * @param vocabSize number of token ids
 * @param hiddenSize model width d
 * @param intermediateSize SwiGLU inner width
 * @param numHiddenLayers number of decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (grouped-query attention; equal to the query heads for MHA)
 * @param maxPositionEmbeddings longest sequence (positions) the model accepts
 * @param ropeTheta RoPE base
 * @param rmsNormEps RMSNorm epsilon
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TransformerConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int maxPositionEmbeddings,
        double ropeTheta,
        double rmsNormEps) {

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param vocabSize &gt; 0
     * @param hiddenSize &gt; 0, divisible by numAttentionHeads, with an even head size
     *     hiddenSize / numAttentionHeads (rotary embeddings rotate pairs)
     * @param intermediateSize &gt; 0
     * @param numHiddenLayers &gt; 0
     * @param numAttentionHeads &gt; 0, divisible by numKeyValueHeads
     * @param numKeyValueHeads &gt; 0
     * @param maxPositionEmbeddings &gt; 0
     * @param ropeTheta finite and &gt; 0
     * @param rmsNormEps finite and &gt; 0
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public TransformerConfig {
        Checks.positive("vocab_size", vocabSize);
        Checks.positive("hidden_size", hiddenSize);
        Checks.positive("intermediate_size", intermediateSize);
        Checks.positive("num_hidden_layers", numHiddenLayers);
        Checks.positive("num_attention_heads", numAttentionHeads);
        Checks.positive("num_key_value_heads", numKeyValueHeads);
        Checks.positive("max_position_embeddings", maxPositionEmbeddings);
        Checks.positive("rope_theta", ropeTheta);
        Checks.positive("rms_norm_eps", rmsNormEps);
        Checks.check(hiddenSize % numAttentionHeads == 0, "hidden_size (" + hiddenSize
                + ") must be divisible by num_attention_heads (" + numAttentionHeads + ")");
        Checks.check(numAttentionHeads % numKeyValueHeads == 0, "num_attention_heads (" + numAttentionHeads
                + ") must be divisible by num_key_value_heads (" + numKeyValueHeads + ")");
        Checks.check(hiddenSize / numAttentionHeads % 2 == 0, "head size hidden_size / num_attention_heads ("
                + hiddenSize / numAttentionHeads + ") must be even for rotary embeddings");
    }

    /**
     * The backbone of the paper's CALM-M: d 1024, 16 layers, 16 heads, intermediate 2752.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static TransformerConfig calmM(int vocabSize) {
        return new TransformerConfig(vocabSize, 1024, 2752, 16, 16, 16, 2048, 10000, 1e-6);
    }

    /**
     * A CPU-sized backbone: d 256, 4 layers, 4 heads, intermediate 640.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static TransformerConfig small(int vocabSize) {
        return new TransformerConfig(vocabSize, 256, 640, 4, 4, 4, 2048, 10000, 1e-6);
    }

    /**
     * A test-sized backbone: d 64, 2 layers, 4 query heads over 2 key/value heads, intermediate 160.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static TransformerConfig tiny(int vocabSize) {
        return new TransformerConfig(vocabSize, 64, 160, 2, 4, 2, 512, 10000, 1e-6);
    }

    /** @return size of one attention head */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /**
     * @param vocab the new vocabulary size
     * @return this config with another vocabulary size
     */
    public TransformerConfig withVocabSize(int vocab) {
        return toBuilder().vocabSize(vocab).build();
    }

    /**
     * A builder holding this config's values, for backbones that differ from a preset in a few fields, by name:
     * {@code TransformerConfig.small(vocab).toBuilder().hiddenSize(1536).intermediateSize(4096).numHiddenLayers(16)
     * .numAttentionHeads(12).numKeyValueHeads(12).build()}.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of a config; {@link #build()} validates the result. */
    public static final class Builder {
        private int vocabSize;
        private int hiddenSize;
        private int intermediateSize;
        private int numHiddenLayers;
        private int numAttentionHeads;
        private int numKeyValueHeads;
        private int maxPositionEmbeddings;
        private double ropeTheta;
        private double rmsNormEps;

        private Builder(TransformerConfig c) {
            vocabSize = c.vocabSize;
            hiddenSize = c.hiddenSize;
            intermediateSize = c.intermediateSize;
            numHiddenLayers = c.numHiddenLayers;
            numAttentionHeads = c.numAttentionHeads;
            numKeyValueHeads = c.numKeyValueHeads;
            maxPositionEmbeddings = c.maxPositionEmbeddings;
            ropeTheta = c.ropeTheta;
            rmsNormEps = c.rmsNormEps;
        }

        /**
         * @param v vocab_size
         * @return this builder
         */
        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        /**
         * @param v hidden_size
         * @return this builder
         */
        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        /**
         * @param v intermediate_size
         * @return this builder
         */
        public Builder intermediateSize(int v) {
            intermediateSize = v;
            return this;
        }

        /**
         * @param v num_hidden_layers
         * @return this builder
         */
        public Builder numHiddenLayers(int v) {
            numHiddenLayers = v;
            return this;
        }

        /**
         * @param v num_attention_heads
         * @return this builder
         */
        public Builder numAttentionHeads(int v) {
            numAttentionHeads = v;
            return this;
        }

        /**
         * @param v num_key_value_heads
         * @return this builder
         */
        public Builder numKeyValueHeads(int v) {
            numKeyValueHeads = v;
            return this;
        }

        /**
         * @param v max_position_embeddings
         * @return this builder
         */
        public Builder maxPositionEmbeddings(int v) {
            maxPositionEmbeddings = v;
            return this;
        }

        /**
         * @param v rope_theta
         * @return this builder
         */
        public Builder ropeTheta(double v) {
            ropeTheta = v;
            return this;
        }

        /**
         * @param v rms_norm_eps
         * @return this builder
         */
        public Builder rmsNormEps(double v) {
            rmsNormEps = v;
            return this;
        }

        /**
         * @return the config
         * @throws dev.calm.core.CalmException naming the first invalid field
         */
        public TransformerConfig build() {
            return new TransformerConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                    numKeyValueHeads, maxPositionEmbeddings, ropeTheta, rmsNormEps);
        }
    }
}
