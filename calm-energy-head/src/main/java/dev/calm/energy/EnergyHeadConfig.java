/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * Hyperparameters of the energy head and its loss (paper, section 3). JSON field names follow the reference
 * implementation's {@code CALMConfig} where it has them.
 *
 * @param noiseSize size of the uniform noise vector fed to the head
 * @param numMlpLayers residual MLP blocks of the head (the paper uses backbone layers / 4)
 * @param numSamples N, model samples per position in the energy loss (at least 2: the loss uses pairs)
 * @param numTargetSamples M, samples from the autoencoder's posterior per position
 * @param beta exponent of the distance; the energy score is strictly proper for beta in (0, 2)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EnergyHeadConfig(int noiseSize, int numMlpLayers, int numSamples, int numTargetSamples, double beta) {

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param noiseSize &gt; 0
     * @param numMlpLayers &gt; 0
     * @param numSamples N &gt;= 2
     * @param numTargetSamples M &gt; 0
     * @param beta in the open interval (0, 2)
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public EnergyHeadConfig {
        Checks.positive("noise_size", noiseSize);
        Checks.positive("num_mlp_layers", numMlpLayers);
        Checks.check(numSamples >= 2, "num_samples must be >= 2 (the energy score compares pairs of samples), got "
                + numSamples);
        Checks.positive("num_target_samples", numTargetSamples);
        Checks.check(beta > 0 && beta < 2, "beta must be in (0, 2) for a strictly proper energy score, got " + beta);
    }

    /**
     * The paper's head for CALM-M: noise 64, 4 blocks, N 8, M 100, beta 1.
     *
     * @return the config
     */
    public static EnergyHeadConfig paper() {
        return new EnergyHeadConfig(64, 4, 8, 100, 1.0);
    }

    /**
     * @param blocks residual MLP blocks
     * @return this config with {@code num_mlp_layers} replaced
     */
    public EnergyHeadConfig withNumMlpLayers(int blocks) {
        return new EnergyHeadConfig(noiseSize, blocks, numSamples, numTargetSamples, beta);
    }

    /**
     * @param n N, model samples per position
     * @param m M, target samples per position
     * @return this config with {@code num_samples} and {@code num_target_samples} replaced
     */
    public EnergyHeadConfig withSamples(int n, int m) {
        return new EnergyHeadConfig(noiseSize, numMlpLayers, n, m, beta);
    }

    /**
     * @param size the noise vector's size
     * @return this config with {@code noise_size} replaced
     */
    public EnergyHeadConfig withNoiseSize(int size) {
        return new EnergyHeadConfig(size, numMlpLayers, numSamples, numTargetSamples, beta);
    }

    /**
     * @param exponent the distance's exponent, in (0, 2)
     * @return this config with {@code beta} replaced
     */
    public EnergyHeadConfig withBeta(double exponent) {
        return new EnergyHeadConfig(noiseSize, numMlpLayers, numSamples, numTargetSamples, exponent);
    }
}
