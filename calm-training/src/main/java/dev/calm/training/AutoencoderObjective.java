/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderLoss;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;
import java.util.Map;

/**
 * CALM's first stage as a training objective: the autoencoder's K * cross-entropy + kl_weight * clamped KL,
 * with token and latent dropout. Logs the cross-entropy per token ({@code ce}) and the KL term ({@code kl}).
 */
public final class AutoencoderObjective implements Objective {

    private final Autoencoder autoencoder;

    /** @param autoencoder the model, initialised in the trainer's root manager */
    public AutoencoderObjective(Autoencoder autoencoder) {
        this.autoencoder = autoencoder;
    }

    @Override
    public Module model() {
        return autoencoder;
    }

    @Override
    public StepLoss loss(NDArray batch, Rng rng) {
        AutoencoderLoss l = autoencoder.trainingLoss(batch, rng); // batch [B, T], T a multiple of K
        return new StepLoss(l.loss(), Map.of("ce", l.reconstruction(), "kl", l.kl()));
    }
}
