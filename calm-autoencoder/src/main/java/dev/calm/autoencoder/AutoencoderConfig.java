/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

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
        double rmsNormEps) {

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

    /** @return encoder layers that run per token, before the squeeze (the reference's num_stage_layers) */
    public int encoderLayersBeforeSqueeze() {
        return numEncoderLayers / 2;
    }

    /** @return decoder layers that run on the vector, before the expand */
    public int decoderLayersBeforeExpand() {
        return numDecoderLayers / 2;
    }
}
