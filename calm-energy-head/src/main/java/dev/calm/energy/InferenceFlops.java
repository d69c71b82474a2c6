/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.config.Checks;
import dev.calm.core.llama.TransformerConfig;

/**
 * Generation compute per generated token, counted from the models' shapes as the generator (calm-eval) computes
 * a step with a KV cache, so that CALM and the token baseline can be compared as in
 * the paper's comparison table. The conventions are those of {@link TrainingFlops}: only matrix products count
 * (2 m k n for [m, k] x [k, n]; norms, activations, softmax, biases and embedding look-ups are ignored), forward
 * only, batch 1.
 *
 * <p>Attention of the one new position costs 2 * 2 * d * n per layer against a context of n keys (scores and
 * weighted values; d = heads * head size, so the split into heads and grouped keys/values do not change it). The
 * context n counts positions of the backbone: tokens for the baseline, chunks of K tokens for CALM. The paper's
 * table ("attention counted at context 2048") is reproduced with 2048 backbone positions for both models, i.e.
 * 2048 chunks (8192 tokens at K = 4) for CALM, and with CALM's decoder counted up to its logits: within 1% for
 * Transformer-S, CALM-M and CALM-L and 3.3% for CALM-XL. Counted at 2048 tokens (512 chunks), CALM-M and CALM-L
 * fall 8.5% and 9% below the table; without the decoder's projection to the vocabulary, CALM-M falls 45% below.
 */
public final class InferenceFlops {

    /** The context of the paper's table: attention reads 2048 backbone positions. */
    public static final int PAPER_CONTEXT = 2048;

    private InferenceFlops() {}

    /**
     * FLOPs per generated token of the token baseline with a KV cache: one position through the backbone, reading
     * {@code contextTokens} keys (the cache and its own), and the untied LM head,
     *
     * <pre>  L * (2 (d q + 2 d kv + q d) + 6 d f + 4 q n) + 2 d V</pre>
     *
     * for L layers, width d, query width q = heads * head size (= d), key/value width kv, SwiGLU width f,
     * context n and vocabulary V.
     *
     * @param c the backbone
     * @param contextTokens n, keys each layer's attention reads (at least 1, the new position's own)
     * @return FLOPs per generated token
     */
    public static double tokenBaseline(TransformerConfig c, int contextTokens) {
        Checks.positive("contextTokens", contextTokens);
        return TrainingFlops.backbonePosition(c) + TrainingFlops.attention(c, contextTokens) + TrainingFlops.lmHead(c);
    }

    /**
     * FLOPs per generated token of CALM: one step, divided by the K tokens it yields. A step compresses the K
     * tokens fed back ({@code embed_proj}), runs one backbone position reading {@code contextPositions} cached
     * chunk positions, draws one sample of the energy head, and decodes it with the frozen autoencoder's decoder
     * into K tokens, tied output projection to the vocabulary included (the encoder is not used),
     *
     * <pre>  ( 2 (2 K d^2 + 2 d^2)                                         embed_proj
     *   + L (2 (d q + 2 d kv + q d) + 6 d f + 4 q n)                   backbone, n chunk positions
     *   + 2 (s d + d^2 + 6 B d^2 + d^2 + d l)                          energy head: noise, hidden, B blocks, final
     *     (or 2 (2 d^2 + d C (l + 2)) for the mixture head of C components,
     *      or 2 d^2 + E 2 (l d + 256 d + d^2 + 6 B d^2 + d^2 + d l) for the flow and diffusion heads, with E network
     *      evaluations: 2 per midpoint step, 1 per diffusion sampling step)
     *   + 2 l a + D1 6 a g + 2 a K a + K D2 6 a g + K 2 a V ) / K      decoder </pre>
     *
     * for backbone width d, L layers, query width q, key/value width kv, SwiGLU width f, noise size s, B head
     * blocks, latent size l, and an autoencoder of width a, SwiGLU width g, D1 decoder layers before the expand
     * and D2 after it, over a vocabulary V.
     *
     * @param c the model
     * @param ae its autoencoder (same vocabulary, K and l)
     * @param contextPositions n, backbone positions each layer's attention reads, counted in chunks of K tokens
     *     (at least 1, the new position's own); the paper's table is reproduced at 2048
     * @return FLOPs per generated token
     */
    public static double calm(CalmConfig c, AutoencoderConfig ae, int contextPositions) {
        Checks.positive("contextPositions", contextPositions);
        c.checkCompatible(ae);
        double step = TrainingFlops.inputCompression(c)
                + TrainingFlops.backbonePosition(c.backbone())
                + TrainingFlops.attention(c.backbone(), contextPositions)
                + headSample(c)
                + decoderForward(ae);
        return step / c.patchSize();
    }

    /**
     * One sample of the generative head: the energy head's per-position and per-sample parts; the mixture head's
     * features, weights, means and scales of all C components (the draw itself is a selection); the flow head's
     * hidden-state embedding and 2 network evaluations per midpoint step; the diffusion head's embedding and one
     * evaluation per sampling step.
     */
    static double headSample(CalmConfig c) {
        return switch (c.headType()) {
            case CalmConfig.MIXTURE -> TrainingFlops.mixtureHead(c);
            case CalmConfig.FLOW -> TrainingFlops.condEmbed(c) + 2.0 * c.flowHead().numSteps()
                    * TrainingFlops.netEvaluation(c, c.flowHead().numMlpLayers());
            case CalmConfig.DIFFUSION -> TrainingFlops.condEmbed(c) + (double) c.diffusionHead().numSamplingSteps()
                    * TrainingFlops.netEvaluation(c, c.diffusionHead().numMlpLayers());
            default -> TrainingFlops.headPerPosition(c) + TrainingFlops.headPerSample(c);
        };
    }

    /**
     * The generative head's share of {@link #calm}: one sample of the head over the whole step.
     *
     * @param c the model
     * @param ae its autoencoder
     * @param contextPositions n, as in {@link #calm}
     * @return the head's FLOPs per generated token over all FLOPs per generated token, in (0, 1)
     */
    public static double headShare(CalmConfig c, AutoencoderConfig ae, int contextPositions) {
        return headSample(c) / c.patchSize() / calm(c, ae, contextPositions);
    }

    /** Forward FLOPs of the autoencoder's decoder for one vector, up to the logits of its K tokens. */
    static double decoderForward(AutoencoderConfig ae) {
        double d = ae.hiddenSize();
        double layer = TrainingFlops.autoencoderLayer(ae);
        int before = ae.decoderLayersBeforeExpand();
        int after = ae.numDecoderLayers() - before;
        double logits = 2 * d * ae.vocabSize(); // tied embedding, per token
        return 2 * ae.latentSize() * d + before * layer + 2 * d * ae.patchSize() * d
                + ae.patchSize() * (after * layer + logits);
    }
}
