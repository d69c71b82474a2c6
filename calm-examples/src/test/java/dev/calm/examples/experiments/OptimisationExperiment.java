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
 * The optimiser of the paper's head on one autoencoder: the learning rate, the head's own rate (a multiple of it,
 * the lever the oracle test of docs/measured.md pointed at), the warm-up, and a 4x larger batch at the same number
 * of tokens (a quarter of the steps). At the tiny scale it asserts the direction of the head's rate: the head at
 * 10x the rate of the rest reaches a higher Brier-1 than at 1x.
 */
@CalmExperiment(seed = 6)
class OptimisationExperiment {

    private static final String PAPER = "lr 3e-3";
    private static final String FAST_HEAD = "lr 1e-3, head 1e-2";

    @Test
    void optimisation(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The optimiser (energy head)", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            CalmRecipe calm = c.calm();
            List<StudyArm> arms = new ArrayList<>();
            arms.add(new StudyArm(PAPER, ae, calm.withLearningRate(3e-3, 1)));
            arms.add(new StudyArm(FAST_HEAD, ae, calm.withLearningRate(1e-3, 10)));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("lr 1e-3", ae, calm.withLearningRate(1e-3, 1)));
                arms.add(new StudyArm("lr 3e-3, head 3e-2", ae, calm.withLearningRate(3e-3, 10)));
                arms.add(new StudyArm("lr 1e-3, head 1e-2, no warm-up", ae,
                        calm.withLearningRate(1e-3, 10).withBudget(calm.steps(), calm.batchSize(), 0)));
                arms.add(new StudyArm("lr 1e-3, head 1e-2, batch 64 (a quarter of the steps)", ae,
                        calm.withLearningRate(1e-3, 10).withBudget(calm.steps() / 4, 4 * calm.batchSize(),
                                calm.warmupSteps() / 4)));
            }
            return arms;
        });
        assertTrue(outcome.brier1(FAST_HEAD) > outcome.brier1(PAPER), "a faster head should learn more: Brier-1 "
                + outcome.brier1(FAST_HEAD) + " vs " + outcome.brier1(PAPER));
    }
}
