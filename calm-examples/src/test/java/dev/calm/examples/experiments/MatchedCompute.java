/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.TrainingFlops;
import dev.calm.examples.study.CalmRecipe;

/** Steps that give a variant of a recipe (another autoencoder, or another head) the training FLOPs of the recipe. */
final class MatchedCompute {

    private MatchedCompute() {}

    /**
     * @param recipe the reference recipe (its model on {@code reference})
     * @param reference the reference recipe's autoencoder
     * @param variant the variant's autoencoder (another K or l)
     * @param blockLength tokens per training block
     * @return the variant's steps, at least 1
     */
    static int steps(CalmRecipe recipe, AutoencoderConfig reference, AutoencoderConfig variant, int blockLength) {
        double base = TrainingFlops.calm(recipe.config().withChunking(reference.patchSize(), reference.latentSize()),
                reference, blockLength);
        double other = TrainingFlops.calm(recipe.config().withChunking(variant.patchSize(), variant.latentSize()),
                variant, blockLength);
        return (int) Math.max(1, Math.round(recipe.steps() * base / other));
    }

    /**
     * @param recipe the reference recipe
     * @param variant another model on the same autoencoder (another head)
     * @param ae the autoencoder
     * @param blockLength tokens per training block
     * @return the variant's steps, at least 1
     */
    static int steps(CalmRecipe recipe, CalmConfig variant, AutoencoderConfig ae, int blockLength) {
        double base = TrainingFlops.calm(recipe.config().withChunking(ae.patchSize(), ae.latentSize()), ae, blockLength);
        double other = TrainingFlops.calm(variant.withChunking(ae.patchSize(), ae.latentSize()), ae, blockLength);
        return (int) Math.max(1, Math.round(recipe.steps() * base / other));
    }
}
