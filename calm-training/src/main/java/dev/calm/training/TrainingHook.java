/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import java.nio.file.Path;

/**
 * Research code attached to the loop without copying it: evaluation every N steps, extra logging, early
 * stopping. Hooks run on the training thread, after the step's tensors are freed, in the order they were added.
 * Values passed to {@link TrainingContext#record} are written into the same metrics line as the step.
 *
 * <pre>{@code
 * trainer.addHook(new TrainingHook() {
 *     public void onStep(StepMetrics m, TrainingContext context) {
 *         if (m.step() % 100 == 0) {
 *             context.record("heldout_ce", evaluate(context.model()));
 *         }
 *     }
 * });
 * }</pre>
 */
public interface TrainingHook {

    /**
     * Called after each trainer step (updated or skipped).
     *
     * @param metrics what the step measured
     */
    default void onStep(StepMetrics metrics) {}

    /**
     * Called after each trainer step; by default calls {@link #onStep(StepMetrics)}.
     *
     * @param metrics what the step measured
     * @param context the loop's context, to record values or request a stop
     */
    default void onStep(StepMetrics metrics, TrainingContext context) {
        onStep(metrics);
    }

    /**
     * Called after a checkpoint is complete.
     *
     * @param checkpoint its directory
     * @param context the loop's context
     */
    default void onCheckpoint(Path checkpoint, TrainingContext context) {}

    /**
     * Called once when the loop ends normally (not when it fails).
     *
     * @param result how it ended
     */
    default void onEnd(TrainResult result) {}
}
