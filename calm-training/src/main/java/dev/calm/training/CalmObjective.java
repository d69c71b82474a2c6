/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.core.config.Checks;
import dev.calm.core.nn.Module;
import dev.calm.energy.Calm;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.energy.TrainingFlops;

/**
 * CALM's likelihood-free training: the generative head's loss (the energy loss for the energy head) on each
 * chunk's successor, with the autoencoder frozen. Metrics are the head's (for the energy head, the estimator's
 * two mean distances).
 */
public final class CalmObjective implements Objective {

    private final Calm calm;
    private final double auxWeight;
    private final long auxAnnealSteps;

    /** @param calm the model, initialised in the trainer's root manager, with its trained autoencoder */
    public CalmObjective(Calm calm) {
        this(calm, 0, 0);
    }

    /**
     * CALM's loss with the auxiliary token cross-entropy of {@link Calm#trainingLoss(NDArray, Rng, double)} (not
     * in the paper).
     *
     * @param calm the model; it must have an auxiliary token head when {@code auxWeight > 0}
     * @param auxWeight the weight of the auxiliary cross-entropy at step 0, &gt;= 0
     * @param auxAnnealSteps 0 keeps the weight constant; otherwise it falls linearly to 0 at this step
     */
    public CalmObjective(Calm calm, double auxWeight, long auxAnnealSteps) {
        Checks.check(auxWeight >= 0 && Double.isFinite(auxWeight), "the auxiliary loss weight must be >= 0, got "
                + auxWeight);
        Checks.check(auxAnnealSteps >= 0, "the auxiliary loss annealing steps must be >= 0, got " + auxAnnealSteps);
        Checks.check(auxWeight == 0 || calm.config().auxTokenHead(),
                "an auxiliary loss weight > 0 needs a CALM with an auxiliary token head (aux_token_head)");
        this.calm = calm;
        this.auxWeight = auxWeight;
        this.auxAnnealSteps = auxAnnealSteps;
    }

    /**
     * @param step an optimizer step
     * @return the auxiliary loss weight at that step
     */
    public double auxWeight(long step) {
        return auxAnnealSteps == 0 ? auxWeight : auxWeight * Math.max(0, 1 - (double) step / auxAnnealSteps);
    }

    @Override
    public Module model() {
        return calm;
    }

    /** The head's loss alone (the auxiliary cross-entropy only as a metric): what held-out evaluation reports. */
    @Override
    public TrainingLoss loss(NDArray batch, Rng rng) {
        return calm.trainingLoss(batch, rng, 0);
    }

    @Override
    public TrainingLoss loss(NDArray batch, Rng rng, long step) {
        return calm.trainingLoss(batch, rng, auxWeight(step));
    }

    /**
     * {@link TrainingFlops#calm} for the heads whose layers it counts ({@link TrainingFlops#counts}: the energy,
     * mixture, flow and diffusion heads as the model's config describes them, the energy head's subclasses
     * included); NaN for any other head, whose compute the count does not know: no {@code train_flops} is logged
     * rather than a wrong one. A new head with its own count goes in an {@code Objective} of its own
     * (docs/new-head.md).
     */
    @Override
    public double flopsPerToken(Shape batch) {
        if (!TrainingFlops.counts(calm.config(), calm.head())) {
            return Double.NaN;
        }
        return TrainingFlops.calm(calm.config(), calm.autoencoder().config(), (int) batch.get(1));
    }
}
