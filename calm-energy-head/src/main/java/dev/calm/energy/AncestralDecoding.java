/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import dev.calm.core.Rng;

/**
 * CALM sampled as the latent-variable model its autoencoder defines: the head draws the next vector z, and each
 * of the chunk's K tokens is then drawn from the decoder's distribution {@code p(x | z)}, instead of taken as its
 * argmax as the paper does ({@link Calm#sample}). Ancestral sampling of {@code p(x | context) = E_z p(x | z)}:
 * where the decoder reads a wide region of latent space as one chunk, argmax decoding turns every sample that
 * lands there into that chunk, and sampling keeps the decoder's own uncertainty. Not in the paper (see
 * docs/paper-map.md); a {@link ForwardingStepModel}, so any evaluator or generator that takes a {@link StepModel}
 * can use it.
 */
public final class AncestralDecoding extends ForwardingStepModel {

    private final Calm calm;

    private AncestralDecoding(Calm calm) {
        super(calm);
        this.calm = calm;
    }

    /**
     * @param calm the model; its weights are shared, not copied
     * @return the model with ancestral decoding
     */
    public static AncestralDecoding of(Calm calm) {
        return new AncestralDecoding(calm);
    }

    /** @return the wrapped model */
    public Calm calm() {
        return calm;
    }

    /**
     * Draws next chunks: z from the head, then every token from {@code softmax(decoder logits)} (Gumbel-max,
     * {@link TokenModel#sampleLogits}).
     *
     * @param hidden hidden states, [P, d]
     * @param n samples per state
     * @param rng the source of the head's noise and of the tokens' draws
     * @return token ids, INT64 [n, P, K]
     */
    @Override
    public NDArray sample(NDArray hidden, int n, Rng rng) {
        long positions = hidden.getShape().get(0);
        int k = calm.patchSize();
        NDArray z = calm.head().sample(hidden, n, rng); // [n, P, l]
        NDArray logits = calm.autoencoder().decode(z); // [n, P*K, V]
        NDArray rows = logits.reshape(n * positions * k, -1); // [n*P*K, V]
        return TokenModel.sampleLogits(rows, 1, rng).reshape(n, positions, k); // [n, P, K]
    }
}
