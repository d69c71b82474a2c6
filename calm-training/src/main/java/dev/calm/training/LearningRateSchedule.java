/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Linear warm-up, then a constant or cosine learning rate, as Hugging Face's
 * {@code get_constant_schedule_with_warmup} and {@code get_cosine_schedule_with_warmup} (half a cosine to 0).
 * The paper trains with 2000 warm-up steps and a constant 3e-4.
 *
 * @param learningRate the peak rate
 * @param warmupSteps steps of linear warm-up from 0
 * @param totalSteps length of the run (used by the cosine shape)
 * @param shape what follows the warm-up
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LearningRateSchedule(double learningRate, int warmupSteps, int totalSteps, Shape shape) {

    /** What follows the warm-up. */
    public enum Shape {
        /** The peak rate until the end. */
        CONSTANT,
        /** Half a cosine from the peak down to 0 at totalSteps. */
        COSINE
    }

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param learningRate finite and &gt; 0
     * @param warmupSteps &gt;= 0; &lt; totalSteps for the cosine shape
     * @param totalSteps &gt; 0
     * @param shape not null
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public LearningRateSchedule {
        Checks.positive("learning_rate", learningRate);
        Checks.check(warmupSteps >= 0, "warmup_steps must be >= 0, got " + warmupSteps);
        Checks.positive("total_steps", totalSteps);
        Checks.check(shape != null, "shape must be CONSTANT or COSINE");
        Checks.check(warmupSteps < totalSteps || shape == Shape.CONSTANT,
                "warmup_steps (" + warmupSteps + ") must be < total_steps (" + totalSteps + ") for a cosine schedule");
    }

    /**
     * @param step the optimizer step, from 0
     * @return the learning rate of that step
     */
    public double at(int step) {
        if (step < warmupSteps) {
            return learningRate * step / warmupSteps;
        }
        if (shape == Shape.CONSTANT) {
            return learningRate;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
