/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.energy.TokenBaseline;
import dev.calm.energy.TrainingFlops;

/** The token baseline's next-token cross-entropy (nats per token). */
public final class TokenObjective implements Objective {

    private final TokenBaseline model;

    /** @param model the baseline, initialised in the trainer's root manager */
    public TokenObjective(TokenBaseline model) {
        this.model = model;
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public TrainingLoss loss(NDArray batch, Rng rng) {
        return TrainingLoss.of(model.trainingLoss(batch));
    }

    @Override
    public double flopsPerToken(Shape batch) {
        return TrainingFlops.tokenBaseline(model.config(), (int) batch.get(1));
    }
}
