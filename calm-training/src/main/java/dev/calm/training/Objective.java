/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.TrainingLoss;
import java.util.Arrays;

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
    TrainingLoss loss(NDArray batch, Rng rng);

    /**
     * Forward pass of one micro-batch of optimizer step {@code step}: what the {@link Trainer} calls. An objective
     * whose loss changes over the run (an annealed weight) overrides it; the default ignores the step.
     *
     * @param batch [B, T] int64 token ids
     * @param rng the run's random stream
     * @param step the optimizer step being computed, from 0
     * @return the scalar to minimise and named scalar metrics
     */
    default TrainingLoss loss(NDArray batch, Rng rng, long step) {
        return loss(batch, rng);
    }

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

    /**
     * The loss on held-out blocks without gradients (in a {@link Backend#noGrad()} scope: the caller's grad mode is
     * restored afterwards), averaged over batches.
     *
     * @param blocks token blocks, each [T]
     * @param batchSize blocks per forward pass
     * @param rng the loss's noise; pass an equal stream each time (e.g. {@code rng.fork("eval")}) so that two
     *     evaluations differ only by the model
     * @return the mean over batches of the scalar loss
     */
    default double heldOutLoss(int[][] blocks, int batchSize, Rng rng) {
        if (blocks.length == 0) {
            throw new IllegalArgumentException("no held-out blocks");
        }
        double sum = 0;
        int batches = 0;
        try (Backend.GradScope grad = Backend.noGrad()) {
            for (int from = 0; from < blocks.length; from += batchSize) {
                int[][] batch = Arrays.copyOfRange(blocks, from, Math.min(blocks.length, from + batchSize));
                try (StepScope scope = StepScope.open(model().manager())) {
                    NDArray ids = scope.manager().create(batch).toType(DataType.INT64, false); // [b, T]
                    sum += loss(ids, rng).loss().getFloat();
                    batches++;
                }
            }
        }
        return sum / batches;
    }
}
