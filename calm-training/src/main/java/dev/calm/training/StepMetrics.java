/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one trainer step measured, handed to every {@link TrainingHook} after the step.
 *
 * @param step trainer steps done, counting this one (from 1)
 * @param loss the objective's loss, mean over the step's micro-batches
 * @param metrics the objective's metrics, mean over the micro-batches, by name
 * @param learningRate the learning rate of this step
 * @param gradNorm global gradient norm before clipping
 * @param tokensPerSecond throughput since the last metrics line
 * @param elapsedSeconds wall time spent training, over all sessions of the run
 * @param skipped whether the update was skipped because the loss or the gradient norm was not finite
 * @param trainFlops training FLOPs of the whole run so far ({@link Objective#flopsPerToken}), NaN if not counted
 */
public record StepMetrics(
        long step,
        double loss,
        Map<String, Double> metrics,
        double learningRate,
        double gradNorm,
        double tokensPerSecond,
        double elapsedSeconds,
        boolean skipped,
        double trainFlops) {

    /**
     * Copies the metric map.
     *
     * @param step steps done, from 1
     * @param loss mean loss of the step
     * @param metrics mean metrics by name (copied)
     * @param learningRate the step's learning rate
     * @param gradNorm global gradient norm before clipping
     * @param tokensPerSecond throughput since the last metrics line
     * @param elapsedSeconds training wall time so far
     * @param skipped whether the update was skipped
     * @param trainFlops the run's training FLOPs so far, or NaN
     */
    public StepMetrics {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
