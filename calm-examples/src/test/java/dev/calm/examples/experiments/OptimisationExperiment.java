/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.examples.study.AutoencoderRecipe;
import dev.calm.examples.study.CalmRecipe;
import dev.calm.examples.study.StudyArm;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The optimiser of the quickstart's CALM (the mixture head) on one autoencoder: the learning rate, the head's own
 * rate (a multiple of it), the warm-up, and a 4x larger batch at the same number of tokens (a quarter of the steps).
 * At the tiny scale it asserts that the quickstart's rate learns more than a 10x smaller one.
 */
@CalmExperiment(seed = 6)
class OptimisationExperiment {

    private static final String RECIPE = "lr 3e-3 (the quickstart's)";
    private static final String SLOW = "lr 3e-4 (the paper's)";

    @Test
    void optimisation(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The optimiser (mixture head)", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            CalmRecipe calm = c.calm();
            List<StudyArm> arms = new ArrayList<>();
            arms.add(new StudyArm(RECIPE, ae, calm));
            arms.add(new StudyArm(SLOW, ae, calm.withLearningRate(3e-4, 1)));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("lr 1e-3", ae, calm.withLearningRate(1e-3, 1)));
                arms.add(new StudyArm("lr 1e-2", ae, calm.withLearningRate(1e-2, 1)));
                arms.add(new StudyArm("lr 3e-3, head 3x", ae, calm.withLearningRate(3e-3, 3)));
                arms.add(new StudyArm("lr 3e-3, no warm-up", ae,
                        calm.withBudget(calm.steps(), calm.batchSize(), 0)));
                arms.add(new StudyArm("lr 3e-3, batch 64 (a quarter of the steps)", ae,
                        calm.withBudget(calm.steps() / 4, 4 * calm.batchSize(), calm.warmupSteps() / 4)));
            }
            return arms;
        });
        assertTrue(outcome.brier1(RECIPE) > outcome.brier1(SLOW), "the quickstart's rate should learn more: Brier-1 "
                + outcome.brier1(RECIPE) + " vs " + outcome.brier1(SLOW));
    }
}
