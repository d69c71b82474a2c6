/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import dev.calm.core.nn.Embedding;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Module;

/**
 * An auxiliary multi-token softmax on CALM's backbone (not in the paper; an option of the small-scale study,
 * docs/measured.md): the hidden state h of a chunk predicts each of the K tokens of the next chunk through the
 * backbone's tied token embedding E,
 *
 * <pre>  logits_k = (W_k h) E^T,   k = 1 .. K,   loss = mean_k CE(logits_k, y_k)</pre>
 *
 * ({@code aux_head.weight} holds W_1 .. W_K stacked, [K*d, d]). It only shapes the backbone during training:
 * sampling, generation and BrierLM use the generative head alone.
 */
final class AuxiliaryTokenHead extends Module {

    private final int patchSize;
    private final long hiddenSize;
    private final Linear proj; // [K*d, d]

    /**
     * @param patchSize K
     * @param hiddenSize d
     */
    AuxiliaryTokenHead(int patchSize, long hiddenSize) {
        this.patchSize = patchSize;
        this.hiddenSize = hiddenSize;
        this.proj = child("proj", new Linear(hiddenSize, patchSize * hiddenSize, false));
    }

    /**
     * @param hidden hidden states, [P, d]
     * @param embedding the backbone's token embedding E, [V, d]
     * @param targets the next chunk's tokens, [P, K]
     * @return the mean cross-entropy over the P*K tokens, a scalar
     */
    NDArray loss(NDArray hidden, Embedding embedding, NDArray targets) {
        long positions = hidden.getShape().get(0);
        NDArray perToken = proj.forward(hidden).reshape(positions * patchSize, hiddenSize); // [P*K, d]
        NDArray logits = perToken.matMul(embedding.weight().array().transpose()); // [P*K, V]
        return Losses.crossEntropy(logits, targets.reshape(positions * patchSize));
    }
}
