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
 * The generative head on one autoencoder (the quickstart's), at matched steps: the paper's energy head as the paper
 * trains it, with its head at 10x the rate of the rest, with 3 blocks, with N 4 and with M 16, against the mixture
 * head of the study (the quickstart's). At the tiny scale it asserts the direction the brown scale measured: the
 * mixture head's samples score a higher Brier-1 than the paper's head's.
 */
@CalmExperiment(seed = 3)
class HeadStudyExperiment {

    private static final String PAPER = "energy head (1 block, N 8, M 100, lr 3e-3)";
    private static final String MIXTURE = "mixture head (64 components, lr 3e-3)";

    @Test
    void heads(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The generative head", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            CalmRecipe paper = StudyScale.paperHead(c.calm());
            List<StudyArm> arms = new ArrayList<>();
            arms.add(new StudyArm(PAPER, ae, paper));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("energy head, lr 1e-3 and head 1e-2", ae, paper.withLearningRate(1e-3, 10)));
                arms.add(new StudyArm("energy head, 3 blocks", ae, paper.with(paper.config().withHead(
                        paper.config().head().withNumMlpLayers(3)))));
                arms.add(new StudyArm("energy head, N 4", ae, paper.with(paper.config().withHead(
                        paper.config().head().withSamples(4, 100)))));
                arms.add(new StudyArm("energy head, M 16", ae, paper.with(paper.config().withHead(
                        paper.config().head().withSamples(8, 16)))));
            }
            arms.add(new StudyArm(MIXTURE, ae, c.calm()));
            return arms;
        });
        double energy = outcome.brier1(PAPER);
        double mixture = outcome.brier1(MIXTURE);
        assertTrue(mixture > energy + 3 * outcome.arm(MIXTURE).brier().standardError()[0],
                "the mixture head's Brier-1 " + mixture + " should exceed the energy head's " + energy);
    }
}
