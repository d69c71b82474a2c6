/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.config.Checks;
import java.util.Objects;

/**
 * How a study trains an autoencoder: its shape and objective, and the optimiser's budget (warm-up then cosine
 * decay, as the quickstart trains it).
 *
 * @param config the autoencoder's shape and objective
 * @param steps optimizer steps
 * @param batchSize blocks per step
 * @param learningRate peak learning rate
 * @param randomChunks share of training chunks replaced by random ids (vocabulary coverage)
 */
public record AutoencoderRecipe(AutoencoderConfig config, int steps, int batchSize, double learningRate,
        double randomChunks) {

    /**
     * Validates every field.
     *
     * @param config not null
     * @param steps &gt; 0
     * @param batchSize &gt; 0
     * @param learningRate &gt; 0
     * @param randomChunks in [0, 1)
     */
    public AutoencoderRecipe {
        Objects.requireNonNull(config, "config");
        Checks.positive("steps", steps);
        Checks.positive("batch_size", batchSize);
        Checks.positive("learning_rate", learningRate);
        Checks.check(randomChunks >= 0 && randomChunks < 1, "random_chunks must be in [0, 1), got " + randomChunks);
    }

    /**
     * @param c another config
     * @return this recipe with the config replaced
     */
    public AutoencoderRecipe with(AutoencoderConfig c) {
        return new AutoencoderRecipe(c, steps, batchSize, learningRate, randomChunks);
    }
}
