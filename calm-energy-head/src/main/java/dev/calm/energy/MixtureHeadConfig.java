/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Hyperparameters of the {@link MixtureEnergyHead} and its energy loss.
 *
 * @param components C, the Gaussian components per position
 * @param numTargetSamples M, samples from the autoencoder's posterior per position
 * @param beta exponent of the distance; the energy score is strictly proper for beta in (0, 2)
 * @param initialStd the components' standard deviation at initialisation
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MixtureHeadConfig(int components, int numTargetSamples, double beta, double initialStd) {

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param components C, at least 2 and at most 4096
     * @param numTargetSamples M &gt; 0
     * @param beta in (0, 2)
     * @param initialStd finite and &gt; 0
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public MixtureHeadConfig {
        Checks.check(components >= 2 && components <= 4096, "components must be in [2, 4096], got " + components);
        Checks.positive("num_target_samples", numTargetSamples);
        Checks.check(beta > 0 && beta < 2, "beta must be in (0, 2) for a strictly proper energy score, got " + beta);
        Checks.check(initialStd > 0 && Double.isFinite(initialStd), "initial_std must be a finite number > 0, got "
                + initialStd);
    }

    /**
     * 64 components, M 100, beta 1, initial std 1 (wide components start the head spread over the latent space,
     * which the small-scale study measured to learn faster than 0.3: docs/measured.md).
     *
     * @return the config
     */
    public static MixtureHeadConfig defaults() {
        return new MixtureHeadConfig(64, 100, 1.0, 1.0);
    }

    /**
     * @param c the number of components
     * @return this config with {@code components} replaced
     */
    public MixtureHeadConfig withComponents(int c) {
        return new MixtureHeadConfig(c, numTargetSamples, beta, initialStd);
    }
}
