/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Shape and training objective of the K-token variational autoencoder (paper, section 2). JSON field names
 * are those of the reference implementation's {@code AutoencoderConfig}.
 *
 * @param patchSize K, the tokens compressed into one vector
 * @param vocabSize number of token ids
 * @param hiddenSize width d of the residual MLP layers
 * @param intermediateSize SwiGLU inner width
 * @param numEncoderLayers encoder layers; the first half runs per token, the rest after the squeeze
 * @param numDecoderLayers decoder layers; the first half runs on the vector, the rest per token
 * @param latentSize l, the size of the continuous vector
 * @param aeDropout probability of replacing an input token by id 0, and dropout rate on the latent
 * @param klClamp lower clamp of the per-dimension KL term
 * @param klWeight weight of the KL term
 * @param rmsNormEps RMSNorm epsilon
 * @param posteriorStd 0 for the paper's learned posterior standard deviation; a positive value fixes it, the
 *     same for every dimension and chunk (the encoder's log-std half is then unused). Not in the reference
 *     implementation: an option of the latent-shape study (docs/measured.md); configs written before it read as 0
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AutoencoderConfig(
        int patchSize,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numEncoderLayers,
        int numDecoderLayers,
        int latentSize,
        double aeDropout,
        double klClamp,
        double klWeight,
        double rmsNormEps,
        @JsonProperty(defaultValue = "0") double posteriorStd) {

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param patchSize K &gt; 0
     * @param vocabSize &gt; 0
     * @param hiddenSize d &gt; 0
     * @param intermediateSize &gt; 0
     * @param numEncoderLayers &gt; 0
     * @param numDecoderLayers &gt; 0
     * @param latentSize l &gt; 0
     * @param aeDropout in [0, 0.99]
     * @param klClamp &gt;= 0 (0 clamps nothing)
     * @param klWeight &gt;= 0
     * @param rmsNormEps finite and &gt; 0
     * @param posteriorStd 0 (learned) or finite and &gt; 0 (fixed)
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public AutoencoderConfig {
        Checks.positive("patch_size", patchSize);
        Checks.positive("vocab_size", vocabSize);
        Checks.positive("hidden_size", hiddenSize);
        Checks.positive("intermediate_size", intermediateSize);
        Checks.positive("num_encoder_layers", numEncoderLayers);
        Checks.positive("num_decoder_layers", numDecoderLayers);
        Checks.positive("latent_size", latentSize);
        Checks.inRange("ae_dropout", aeDropout, 0, 0.99);
        Checks.inRange("kl_clamp", klClamp, 0, Double.MAX_VALUE);
        Checks.inRange("kl_weight", klWeight, 0, Double.MAX_VALUE);
        Checks.positive("rms_norm_eps", rmsNormEps);
        Checks.inRange("posterior_std", posteriorStd, 0, 100);
    }

    /**
     * The paper's objective with a learned posterior standard deviation ({@code posterior_std} 0).
     *
     * @param patchSize K &gt; 0
     * @param vocabSize &gt; 0
     * @param hiddenSize d &gt; 0
     * @param intermediateSize &gt; 0
     * @param numEncoderLayers &gt; 0
     * @param numDecoderLayers &gt; 0
     * @param latentSize l &gt; 0
     * @param aeDropout in [0, 0.99]
     * @param klClamp &gt;= 0
     * @param klWeight &gt;= 0
     * @param rmsNormEps &gt; 0
     */
    public AutoencoderConfig(int patchSize, int vocabSize, int hiddenSize, int intermediateSize, int numEncoderLayers,
            int numDecoderLayers, int latentSize, double aeDropout, double klClamp, double klWeight, double rmsNormEps) {
        this(patchSize, vocabSize, hiddenSize, intermediateSize, numEncoderLayers, numDecoderLayers, latentSize,
                aeDropout, klClamp, klWeight, rmsNormEps, 0);
    }

    /**
     * The paper's autoencoder: K 4, d 512, intermediate 1280, 2 + 2 layers, l 128, dropout 0.15, KL weight
     * 1e-3 clamped at 0.5.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static AutoencoderConfig paper(int vocabSize) {
        return new AutoencoderConfig(4, vocabSize, 512, 1280, 2, 2, 128, 0.15, 0.5, 1e-3, 1e-6);
    }

    /**
     * A CPU-sized autoencoder: the paper's objective at d 256, intermediate 640.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static AutoencoderConfig cpu(int vocabSize) {
        return new AutoencoderConfig(4, vocabSize, 256, 640, 2, 2, 128, 0.15, 0.5, 1e-3, 1e-6);
    }

    /**
     * @param k K, tokens per chunk
     * @return this config with {@code patch_size} replaced
     */
    public AutoencoderConfig withPatchSize(int k) {
        return toBuilder().patchSize(k).build();
    }

    /**
     * @param l the latent size
     * @return this config with {@code latent_size} replaced
     */
    public AutoencoderConfig withLatentSize(int l) {
        return toBuilder().latentSize(l).build();
    }

    /**
     * @param weight the KL weight
     * @return this config with {@code kl_weight} replaced
     */
    public AutoencoderConfig withKlWeight(double weight) {
        return toBuilder().klWeight(weight).build();
    }

    /**
     * @param std 0 for a learned posterior standard deviation, or its fixed value
     * @return this config with {@code posterior_std} replaced
     */
    public AutoencoderConfig withPosteriorStd(double std) {
        return toBuilder().posteriorStd(std).build();
    }

    /** @return encoder layers that run per token, before the squeeze (the reference's num_stage_layers) */
    public int encoderLayersBeforeSqueeze() {
        return numEncoderLayers / 2;
    }

    /** @return decoder layers that run on the vector, before the expand */
    public int decoderLayersBeforeExpand() {
        return numDecoderLayers / 2;
    }

    /**
     * A builder holding this config's values, for configs that differ from a preset in a few fields:
     * {@code AutoencoderConfig.paper(vocab).toBuilder().hiddenSize(64).intermediateSize(128).latentSize(16).build()}.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of a config; {@link #build()} validates the result. */
    public static final class Builder {
        private int patchSize;
        private int vocabSize;
        private int hiddenSize;
        private int intermediateSize;
        private int numEncoderLayers;
        private int numDecoderLayers;
        private int latentSize;
        private double aeDropout;
        private double klClamp;
        private double klWeight;
        private double rmsNormEps;
        private double posteriorStd;

        private Builder(AutoencoderConfig c) {
            patchSize = c.patchSize;
            vocabSize = c.vocabSize;
            hiddenSize = c.hiddenSize;
            intermediateSize = c.intermediateSize;
            numEncoderLayers = c.numEncoderLayers;
            numDecoderLayers = c.numDecoderLayers;
            latentSize = c.latentSize;
            aeDropout = c.aeDropout;
            klClamp = c.klClamp;
            klWeight = c.klWeight;
            rmsNormEps = c.rmsNormEps;
            posteriorStd = c.posteriorStd;
        }

        /**
         * @param v patch_size, K
         * @return this builder
         */
        public Builder patchSize(int v) {
            patchSize = v;
            return this;
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
         * @param v hidden_size, d
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
         * @param v num_encoder_layers
         * @return this builder
         */
        public Builder numEncoderLayers(int v) {
            numEncoderLayers = v;
            return this;
        }

        /**
         * @param v num_decoder_layers
         * @return this builder
         */
        public Builder numDecoderLayers(int v) {
            numDecoderLayers = v;
            return this;
        }

        /**
         * @param v latent_size, l
         * @return this builder
         */
        public Builder latentSize(int v) {
            latentSize = v;
            return this;
        }

        /**
         * @param v ae_dropout
         * @return this builder
         */
        public Builder aeDropout(double v) {
            aeDropout = v;
            return this;
        }

        /**
         * @param v kl_clamp
         * @return this builder
         */
        public Builder klClamp(double v) {
            klClamp = v;
            return this;
        }

        /**
         * @param v kl_weight
         * @return this builder
         */
        public Builder klWeight(double v) {
            klWeight = v;
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
         * @param v posterior_std
         * @return this builder
         */
        public Builder posteriorStd(double v) {
            posteriorStd = v;
            return this;
        }

        /**
         * @return the config
         * @throws dev.calm.core.CalmException naming the first invalid field
         */
        public AutoencoderConfig build() {
            return new AutoencoderConfig(patchSize, vocabSize, hiddenSize, intermediateSize, numEncoderLayers,
                    numDecoderLayers, latentSize, aeDropout, klClamp, klWeight, rmsNormEps, posteriorStd);
        }
    }
}
