/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.TrainingLoss;

/**
 * CALM's first stage as a training objective: the autoencoder's K * cross-entropy + kl_weight * clamped KL,
 * with token and latent dropout. Logs the cross-entropy per token ({@code ce}) and the KL term ({@code kl}).
 * Optionally a fraction of the chunks is replaced by random ids first ({@link VocabularyCoverage}).
 */
public final class AutoencoderObjective implements Objective {

    private final Autoencoder autoencoder;
    private final double randomChunks;

    /** @param autoencoder the model, initialised in the trainer's root manager */
    public AutoencoderObjective(Autoencoder autoencoder) {
        this(autoencoder, 0);
    }

    /**
     * @param autoencoder the model, initialised in the trainer's root manager
     * @param randomChunks fraction of chunks replaced by uniformly random ids, in [0, 1]
     */
    public AutoencoderObjective(Autoencoder autoencoder, double randomChunks) {
        this.autoencoder = autoencoder;
        this.randomChunks = randomChunks;
    }

    @Override
    public Module model() {
        return autoencoder;
    }

    @Override
    public TrainingLoss loss(NDArray batch, Rng rng) {
        AutoencoderConfig c = autoencoder.config();
        NDArray tokens = VocabularyCoverage.mix(batch, c.patchSize(), randomChunks, c.vocabSize(), rng); // [B, T]
        return autoencoder.trainingLoss(tokens, rng);
    }
}
