/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Hyperparameters of the {@link FlowMatchingHead}: its network's depth, its loss's draws and its sampler's steps.
 * JSON names follow the reference's {@code CALMConfig} ({@code num_mlp_layers}, {@code num_samples}) and its
 * {@code FlowLoss.sample} ({@code num_steps}).
 *
 * @param numMlpLayers residual blocks of the velocity network
 * @param numSamples target samples drawn from the autoencoder's posterior per position in the loss, each with its
 *     own time and noise (the reference repeats each position {@code num_samples} times)
 * @param numSteps steps of the midpoint ODE solver that samples (two network evaluations each)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FlowHeadConfig(int numMlpLayers, int numSamples, int numSteps) {

    /** Midpoint steps of the reference's sampler (20 network evaluations). */
    public static final int DEFAULT_STEPS = 10;

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param numMlpLayers &gt; 0
     * @param numSamples &gt; 0
     * @param numSteps &gt; 0
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public FlowHeadConfig {
        Checks.positive("num_mlp_layers", numMlpLayers);
        Checks.positive("num_samples", numSamples);
        Checks.check(numSteps >= 1, "num_steps (the flow head's ODE steps) must be >= 1, got " + numSteps);
    }

    /**
     * The reference's settings at a given depth: 8 target samples per position, 10 midpoint steps.
     *
     * @param blocks residual blocks of the network
     * @return the config
     */
    public static FlowHeadConfig of(int blocks) {
        return new FlowHeadConfig(blocks, 8, DEFAULT_STEPS);
    }

    /**
     * @param steps ODE steps of the sampler
     * @return this config with {@code num_steps} replaced
     */
    public FlowHeadConfig withSteps(int steps) {
        return new FlowHeadConfig(numMlpLayers, numSamples, steps);
    }
}
