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
 *
 * <p>The package-private per-module counts here are shared with {@link InferenceFlops}.
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
        double forward = backboneForward(c, positions) + lmHead(c) * positions;
        return 3 * forward / seqLen;
    }

    /**
     * CALM: T/K - 1 chunk positions through the input compression, the backbone and the generative head's loss
     * ({@link #headLoss}), all trained; plus the frozen autoencoder's encoder on the target chunks.
     *
     * @param c the model
     * @param ae its autoencoder
     * @param seqLen tokens per training sequence T, a multiple of K
     * @return FLOPs per token
     */
    public static double calm(CalmConfig c, AutoencoderConfig ae, int seqLen) {
        long positions = seqLen / c.patchSize() - 1L;
        double trained = backboneForward(c.backbone(), positions) + positions * (inputCompression(c) + headLoss(c));
        return (3 * trained + positions * encoderForward(ae)) / seqLen;
    }

    /**
     * Whether {@link #calm} and {@link InferenceFlops#calm} count a model's head: the head its config's {@code
     * head_type} names, built from the config's settings for that head (subclasses of the {@link EnergyHead}
     * included, which keep its layers). Any other head's compute is not known here.
     *
     * @param c the model's config
     * @param head the model's head
     * @return whether the counts hold for it
     */
    public static boolean counts(CalmConfig c, GenerativeHead head) {
        return switch (c.headType()) {
            case CalmConfig.MIXTURE -> head.getClass() == MixtureEnergyHead.class
                    && ((MixtureEnergyHead) head).config().equals(c.mixtureHead());
            case CalmConfig.FLOW -> head.getClass() == FlowMatchingHead.class
                    && ((FlowMatchingHead) head).config().equals(c.flowHead());
            case CalmConfig.DIFFUSION -> head.getClass() == DiffusionHead.class
                    && ((DiffusionHead) head).config().equals(c.diffusionHead());
            default -> head instanceof EnergyHead e && e.config().equals(c.head());
        };
    }

    /**
     * The generative head's loss at one position: for the {@link EnergyHead}, its N samples and the energy score's
     * N x N and N x M distances; for the {@link MixtureEnergyHead}, its features, weights, C means and scales,
     * and the distances of two draws of every component to each other (C x C) and to the M targets (2 C x M);
     * for the {@link FlowMatchingHead} and the {@link DiffusionHead}, the hidden state's embedding and one
     * evaluation of their network for each of their S draws (the squared error is elementwise, not counted).
     * A distance of l-vectors through the Gram matrix costs 2 l.
     */
    static double headLoss(CalmConfig c) {
        double l = c.latentSize();
        if (CalmConfig.FLOW.equals(c.headType())) {
            return condEmbed(c) + c.flowHead().numSamples() * netEvaluation(c, c.flowHead().numMlpLayers());
        } else if (CalmConfig.DIFFUSION.equals(c.headType())) {
            return condEmbed(c) + c.diffusionHead().numSamples() * netEvaluation(c, c.diffusionHead().numMlpLayers());
        } else if (CalmConfig.MIXTURE.equals(c.headType())) {
            MixtureHeadConfig m = c.mixtureHead();
            double comps = m.components();
            return mixtureHead(c) + 2 * l * (comps * comps + 2 * comps * m.numTargetSamples());
        }
        EnergyHeadConfig h = c.head();
        double energy = 2 * l * ((double) h.numSamples() * h.numSamples()
                + (double) h.numSamples() * h.numTargetSamples());
        return h.numSamples() * headPerSample(c) + headPerPosition(c) + energy;
    }

    /** The flow and diffusion heads' embedding of the hidden state at one position: cond_embed, d x d. */
    static double condEmbed(CalmConfig c) {
        double d = c.backbone().hiddenSize();
        return 2 * d * d;
    }

    /**
     * One evaluation of the flow and diffusion heads' network ({@link TimeConditionedMlp}) for one sample at one
     * position with its own time: input_proj (l x d), time_embed (256 x d, d x d), per block the condition's half of
     * linears.0 (d x d) and the block's x path (5 d x d, as {@link #headPerSample}), and the final layer (d x d,
     * d x l).
     */
    static double netEvaluation(CalmConfig c, int blocks) {
        double d = c.backbone().hiddenSize();
        double l = c.latentSize();
        double time = TimestepEmbedder.FREQUENCY_EMBEDDING_SIZE * d + d * d;
        return 2 * (l * d + time + blocks * 6 * d * d + d * d + d * l);
    }

    /** The {@link MixtureEnergyHead} at one position: hidden_embd and features (d x d), logits and log_scales
     * (d x C), means (d x C l). */
    static double mixtureHead(CalmConfig c) {
        double d = c.backbone().hiddenSize();
        double comps = c.mixtureHead().components();
        return 2 * (2 * d * d + d * comps * (c.latentSize() + 2));
    }

    /**
     * The autoencoder: each chunk of K tokens through the encoder and the decoder, up to the logits of its K
     * tokens, trained.
     *
     * @param ae the autoencoder
     * @return FLOPs per token
     */
    public static double autoencoder(AutoencoderConfig ae) {
        return 3 * (encoderForward(ae) + InferenceFlops.decoderForward(ae)) / ae.patchSize();
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
        double attendedKeys = positions * (positions + 1) / 2.0; // position t reads t + 1 keys
        return positions * backbonePosition(c) + attention(c, attendedKeys);
    }

    /**
     * One position through every backbone layer, attention excluded: the q, k, v and o projections (grouped
     * k and v) and the SwiGLU's gate, up and down projections.
     */
    static double backbonePosition(TransformerConfig c) {
        double d = c.hiddenSize();
        double q = (double) c.numAttentionHeads() * c.headDim();
        double kv = (double) c.numKeyValueHeads() * c.headDim();
        return c.numHiddenLayers() * (2 * (d * q + 2 * d * kv + q * d) + 2 * 3 * d * c.intermediateSize());
    }

    /**
     * Attention in every backbone layer, scores q.k and the weighted sum of values, 2 * 2 * (query width) FLOPs
     * per (query, key) pair; depends only on d = heads * head size, not on the split into heads.
     *
     * @param keys (query, key) pairs in all: one query reading n keys counts n
     */
    static double attention(TransformerConfig c, double keys) {
        return c.numHiddenLayers() * 2 * 2 * ((double) c.numAttentionHeads() * c.headDim()) * keys;
    }

    /** The untied LM head of one position, d -> V. */
    static double lmHead(TransformerConfig c) {
        return 2.0 * c.hiddenSize() * c.vocabSize();
    }

    /** {@link InputCompression} of one chunk: K*d -> 2d -> d. */
    static double inputCompression(CalmConfig c) {
        double d = c.backbone().hiddenSize();
        return 2 * (c.patchSize() * d * 2 * d + 2 * d * d);
    }

    /**
     * The part of one {@link EnergyHead} sample that depends on its noise: noise_embd, each block's LN(x) half of
     * linears.0, linears.2, linears.4 and down_proj, and the final layer.
     */
    static double headPerSample(CalmConfig c) {
        double d = c.backbone().hiddenSize();
        double l = c.latentSize();
        EnergyHeadConfig h = c.head();
        return 2 * (h.noiseSize() * d + h.numMlpLayers() * 5 * d * d + d * d + d * l); // x halves
    }

    /**
     * The part of the {@link EnergyHead} computed once per position and shared by its samples: hidden_embd and
     * each block's y half of linears.0 ({@link MlpBlock#condition}).
     */
    static double headPerPosition(CalmConfig c) {
        double d = c.backbone().hiddenSize();
        return 2 * (d * d + c.head().numMlpLayers() * d * d);
    }

    /** One residual SwiGLU layer of the autoencoder at one position: gate, up and down projections. */
    static double autoencoderLayer(AutoencoderConfig ae) {
        return 2 * 3 * (double) ae.hiddenSize() * ae.intermediateSize();
    }

    /** Forward FLOPs of the autoencoder's encoder for one chunk of K tokens. */
    static double encoderForward(AutoencoderConfig ae) {
        double d = ae.hiddenSize();
        double layer = autoencoderLayer(ae);
        int before = ae.encoderLayersBeforeSqueeze();
        int after = ae.numEncoderLayers() - before;
        return ae.patchSize() * before * layer + 2 * ae.patchSize() * d * d + after * layer
                + 2 * d * 2 * ae.latentSize();
    }
}
