/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;
import dev.calm.energy.Calm;
import dev.calm.energy.HeadLoss;
import dev.calm.energy.EnergyHead;
import dev.calm.energy.TrainingFlops;

/**
 * CALM's likelihood-free training: the generative head's loss (the energy loss for the energy head) on each
 * chunk's successor, with the autoencoder frozen. Metrics are the head's (for the energy head, the estimator's
 * two mean distances).
 */
public final class CalmObjective implements Objective {

    private final Calm calm;

    /** @param calm the model, initialised in the trainer's root manager, with its trained autoencoder */
    public CalmObjective(Calm calm) {
        this.calm = calm;
    }

    @Override
    public Module model() {
        return calm;
    }

    @Override
    public StepLoss loss(NDArray batch, Rng rng) {
        HeadLoss l = calm.trainingLoss(batch, rng);
        return new StepLoss(l.loss(), l.metrics());
    }

    /**
     * {@link TrainingFlops#calm} for an {@link EnergyHead} (its subclasses included, which keep its layers); NaN for
     * any other head, whose compute the count does not know: no {@code train_flops} is logged rather than a wrong
     * one. A new head with its own count goes in an {@code Objective} of its own (docs/new-head.md).
     */
    @Override
    public double flopsPerToken(Shape batch) {
        if (!(calm.head() instanceof EnergyHead)) {
            return Double.NaN;
        }
        return TrainingFlops.calm(calm.config(), calm.autoencoder().config(), (int) batch.get(1));
    }
}
