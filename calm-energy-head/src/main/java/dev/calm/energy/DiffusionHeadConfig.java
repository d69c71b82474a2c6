/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Hyperparameters of the {@link DiffusionHead}: its network's depth, its loss's draws, the diffusion process and
 * the sampler. JSON names follow the reference ({@code num_mlp_layers}, {@code num_samples} of its
 * {@code CALMConfig}; {@code diffusion_steps} of its {@code create_diffusion}; {@code num_sampling_steps} of its
 * {@code DiffLoss}).
 *
 * @param numMlpLayers residual blocks of the denoising network
 * @param numSamples target samples drawn from the autoencoder's posterior per position in the loss, each with its
 *     own timestep and noise
 * @param diffusionSteps T, the timesteps of the training process (cosine schedule)
 * @param numSamplingSteps steps of the sampler, at most T: the process respaced to that many timesteps
 * @param prediction what the network predicts: {@value #EPSILON} (the noise) or {@value #V} (v = sqrt(abar) eps -
 *     sqrt(1 - abar) x0)
 * @param sigmaSmall the sampler's variance: false for beta_t (the reference's fixed variance, {@code
 *     sigma_small=False}), true for the posterior's beta~_t, which draws too narrow samples in few steps
 *     ({@link GaussianDiffusion})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DiffusionHeadConfig(int numMlpLayers, int numSamples, int diffusionSteps, int numSamplingSteps,
        String prediction, boolean sigmaSmall) {

    /** The network predicts the noise epsilon. */
    public static final String EPSILON = "epsilon";
    /** The network predicts v = sqrt(abar) eps - sqrt(1 - abar) x0. */
    public static final String V = "v";
    /** Timesteps of the reference's training process. */
    public static final int DEFAULT_DIFFUSION_STEPS = 1000;
    /** Sampling steps of the reference. */
    public static final int DEFAULT_SAMPLING_STEPS = 100;

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param numMlpLayers &gt; 0
     * @param numSamples &gt; 0
     * @param diffusionSteps &gt;= 2
     * @param numSamplingSteps in [1, diffusion_steps]
     * @param prediction {@value #EPSILON} or {@value #V}
     * @param sigmaSmall whether the sampler's variance is beta~_t rather than beta_t
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public DiffusionHeadConfig {
        Checks.positive("num_mlp_layers", numMlpLayers);
        Checks.positive("num_samples", numSamples);
        Checks.check(diffusionSteps >= 2, "diffusion_steps must be >= 2, got " + diffusionSteps);
        Checks.check(numSamplingSteps >= 1 && numSamplingSteps <= diffusionSteps, "num_sampling_steps must be in [1, "
                + "diffusion_steps = " + diffusionSteps + "], got " + numSamplingSteps);
        Checks.check(EPSILON.equals(prediction) || V.equals(prediction),
                "prediction must be " + EPSILON + " or " + V + ", got " + prediction);
    }

    /**
     * The reference's settings at a given depth: 8 target samples per position, 1000 timesteps, 100 sampling steps,
     * epsilon prediction, the fixed variance beta_t.
     *
     * @param blocks residual blocks of the network
     * @return the config
     */
    public static DiffusionHeadConfig of(int blocks) {
        return new DiffusionHeadConfig(blocks, 8, DEFAULT_DIFFUSION_STEPS, DEFAULT_SAMPLING_STEPS, EPSILON, false);
    }

    /**
     * @param steps sampling steps, in [1, diffusion_steps]
     * @return this config with {@code num_sampling_steps} replaced
     */
    public DiffusionHeadConfig withSamplingSteps(int steps) {
        return new DiffusionHeadConfig(numMlpLayers, numSamples, diffusionSteps, steps, prediction, sigmaSmall);
    }

    /**
     * @param what {@value #EPSILON} or {@value #V}
     * @return this config with {@code prediction} replaced
     */
    public DiffusionHeadConfig withPrediction(String what) {
        return new DiffusionHeadConfig(numMlpLayers, numSamples, diffusionSteps, numSamplingSteps, what, sigmaSmall);
    }
}
