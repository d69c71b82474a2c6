/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;

/**
 * What the {@link Trainer} trains: a model and the loss of one micro-batch. The trainer owns everything else
 * (optimizer, schedule, clipping, accumulation, checkpoints), so any model with a scalar loss plugs in.
 */
public interface Objective {

    /** @return the model whose trainable parameters are optimised and checkpointed */
    Module model();

    /**
     * Forward pass of one micro-batch, inside the step's manager (the batch's manager).
     *
     * @param batch [B, T] int64 token ids
     * @param rng the run's random stream (dropout and other noise draw from it, so resume is exact)
     * @return the scalar to minimise and named scalar metrics
     */
    StepLoss loss(NDArray batch, Rng rng);

    /**
     * Training compute per token of a batch of this shape (forward and backward, counted from the model's
     * shapes), which the trainer multiplies by the tokens seen and logs as {@code train_flops}.
     *
     * @param batch the shape of one micro-batch, [B, T]
     * @return FLOPs per token, or NaN if the objective does not count them
     */
    default double flopsPerToken(Shape batch) {
        return Double.NaN;
    }
}
