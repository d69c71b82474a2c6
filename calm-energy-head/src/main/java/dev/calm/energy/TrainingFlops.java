/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.llama.TransformerConfig;

/**
 * Training compute counted from the models' shapes, so that CALM and the token baseline can be compared at
 * equal FLOPs as in the paper. Only matrix products count (2 m k n for [m, k] x [k, n]; norms, activations and
 * softmax are ignored, as usual). A trainable forward costs 1x and its backward 2x (3x in all); the frozen
 * autoencoder runs forward only. Results are per text token of a training sequence of {@code seqLen} tokens.
 */
public final class TrainingFlops {

    private TrainingFlops() {}

    /**
     * The token baseline: T - 1 positions through the backbone and the LM head, trained.
     *
     * @param c the backbone
     * @param seqLen tokens per training sequence T
     * @return FLOPs per token
     */
    public static double tokenBaseline(TransformerConfig c, int seqLen) {
        long positions = seqLen - 1L;
        double forward = backboneForward(c, positions) + 2.0 * c.hiddenSize() * c.vocabSize() * positions;
        return 3 * forward / seqLen;
    }

    /**
     * CALM: T/K - 1 chunk positions through the input compression, the backbone and N head samples, the energy
     * score's N x N and N x M distances, all trained; plus the frozen autoencoder's encoder on the target chunks.
     *
     * @param c the model
     * @param ae its autoencoder
     * @param seqLen tokens per training sequence T, a multiple of K
     * @return FLOPs per token
     */
    public static double calm(CalmConfig c, AutoencoderConfig ae, int seqLen) {
        long positions = seqLen / c.patchSize() - 1L;
        double d = c.backbone().hiddenSize();
        double l = c.latentSize();
        EnergyHeadConfig h = c.head();
        double compression = 2 * (c.patchSize() * d * 2 * d + 2 * d * d);
        double headPerSample = 2 * (h.noiseSize() * d + h.numMlpLayers() * 5 * d * d + d * d + d * l); // x halves
        double headPerPosition = 2 * (d * d + h.numMlpLayers() * d * d); // hidden_embd and each block's y half
        double energy = 2 * l * ((double) h.numSamples() * h.numSamples() + (double) h.numSamples() * h.numTargetSamples());
        double trained = backboneForward(c.backbone(), positions)
                + positions * (compression + h.numSamples() * headPerSample + headPerPosition + energy);
        return (3 * trained + positions * encoderForward(ae)) / seqLen;
    }

    /**
     * Forward FLOPs of the Llama backbone over a causal sequence: projections and SwiGLU per position, and
     * attention scores and values against each position's prefix.
     *
     * @param c the backbone
     * @param positions sequence length
     * @return FLOPs of one sequence
     */
    public static double backboneForward(TransformerConfig c, long positions) {
        double d = c.hiddenSize();
        double q = (double) c.numAttentionHeads() * c.headDim();
        double kv = (double) c.numKeyValueHeads() * c.headDim();
        double perPosition = 2 * (d * q + 2 * d * kv + q * d) + 2 * 3 * d * c.intermediateSize();
        double attendedKeys = positions * (positions + 1) / 2.0; // position t reads t + 1 keys
        return c.numHiddenLayers() * (positions * perPosition + 2 * 2 * q * attendedKeys);
    }

    /** Forward FLOPs of the autoencoder's encoder for one chunk of K tokens. */
    static double encoderForward(AutoencoderConfig ae) {
        double d = ae.hiddenSize();
        double layer = 2 * 3 * d * ae.intermediateSize();
        int before = ae.encoderLayersBeforeSqueeze();
        int after = ae.numEncoderLayers() - before;
        return ae.patchSize() * before * layer + 2 * ae.patchSize() * d * d + after * layer + 2 * d * 2 * ae.latentSize();
    }
}
