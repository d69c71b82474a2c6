/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import dev.calm.core.config.Checks;
import dev.calm.energy.AncestralDecoding;
import dev.calm.energy.CalmConfig;
import java.util.Objects;

/**
 * How a study trains a CALM on its autoencoder: the model (its K and l are taken from the autoencoder) and the
 * optimiser (warm-up, then a constant rate, as the quickstart trains it).
 *
 * @param config the model; {@code patch_size} and {@code latent_size} are replaced by the autoencoder's
 * @param steps optimizer steps
 * @param batchSize blocks per step
 * @param learningRate peak learning rate
 * @param headLrScale the generative head's rate as a multiple of {@code learningRate}
 * @param auxWeight weight of the auxiliary token cross-entropy (0: off, no auxiliary head)
 * @param auxAnnealSteps 0 keeps the auxiliary weight constant; else it falls linearly to 0 at this step
 * @param warmupSteps learning-rate warm-up steps
 * @param ancestralDecoding whether the trained model is scored with {@link AncestralDecoding} (tokens drawn from the
 *     decoder's softmax; not in the paper) instead of the paper's argmax decoding
 */
public record CalmRecipe(CalmConfig config, int steps, int batchSize, double learningRate, double headLrScale,
        double auxWeight, long auxAnnealSteps, int warmupSteps, boolean ancestralDecoding) {

    /**
     * Validates every field.
     *
     * @param config not null
     * @param steps &gt; 0
     * @param batchSize &gt; 0
     * @param learningRate &gt; 0
     * @param headLrScale &gt; 0
     * @param auxWeight &gt;= 0
     * @param auxAnnealSteps &gt;= 0
     * @param warmupSteps &gt;= 0
     * @param ancestralDecoding any
     */
    public CalmRecipe {
        Objects.requireNonNull(config, "config");
        Checks.positive("steps", steps);
        Checks.positive("batch_size", batchSize);
        Checks.positive("learning_rate", learningRate);
        Checks.positive("head_lr_scale", headLrScale);
        Checks.check(auxWeight >= 0 && Double.isFinite(auxWeight), "aux_weight must be >= 0, got " + auxWeight);
        Checks.check(auxAnnealSteps >= 0, "aux_anneal_steps must be >= 0, got " + auxAnnealSteps);
        Checks.check(warmupSteps >= 0, "warmup_steps must be >= 0, got " + warmupSteps);
    }

    /**
     * @param c another model
     * @return this recipe with the model replaced
     */
    public CalmRecipe with(CalmConfig c) {
        return new CalmRecipe(c, steps, batchSize, learningRate, headLrScale, auxWeight, auxAnnealSteps, warmupSteps,
                ancestralDecoding);
    }

    /**
     * @param lr the peak learning rate
     * @param headScale the head's multiple of it
     * @return this recipe with both replaced
     */
    public CalmRecipe withLearningRate(double lr, double headScale) {
        return new CalmRecipe(config, steps, batchSize, lr, headScale, auxWeight, auxAnnealSteps, warmupSteps,
                ancestralDecoding);
    }

    /**
     * @param weight the auxiliary cross-entropy's weight (the model gets an auxiliary head when it is positive)
     * @param annealSteps 0 for a constant weight, else the step at which it reaches 0
     * @return this recipe with the auxiliary loss replaced
     */
    public CalmRecipe withAux(double weight, long annealSteps) {
        return new CalmRecipe(config.withAuxTokenHead(weight > 0), steps, batchSize, learningRate, headLrScale, weight,
                annealSteps, warmupSteps, ancestralDecoding);
    }

    /**
     * @param newSteps optimizer steps
     * @param newBatch blocks per step
     * @param warmup warm-up steps
     * @return this recipe with the budget replaced
     */
    public CalmRecipe withBudget(int newSteps, int newBatch, int warmup) {
        return new CalmRecipe(config, newSteps, newBatch, learningRate, headLrScale, auxWeight, auxAnnealSteps, warmup,
                ancestralDecoding);
    }

    /**
     * @param ancestral whether the model is scored with ancestral decoding
     * @return this recipe with its decoding replaced (training is unchanged)
     */
    public CalmRecipe withAncestralDecoding(boolean ancestral) {
        return new CalmRecipe(config, steps, batchSize, learningRate, headLrScale, auxWeight, auxAnnealSteps,
                warmupSteps, ancestral);
    }
}
