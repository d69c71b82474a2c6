/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.examples.study.AutoencoderRecipe;
import dev.calm.examples.study.CalmRecipe;
import dev.calm.examples.study.StudyArm;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape of the latent space at K = 4 under the quickstart's CALM (the mixture head): the autoencoder's KL
 * weight (the paper's 1e-3 to the quickstart's 0.1), a fixed posterior std instead of a learned one, and the latent
 * size l. The latent-geometry columns say how the space changed (the posterior std against the spread of the means,
 * decoding at one std of noise, how much of the distance the first token explains); the head and Brier columns,
 * what the CALM made of it. At the tiny scale it asserts the direction of the KL weight on the geometry: a heavier
 * KL term widens the posterior against the means.
 */
@CalmExperiment(seed = 4)
class LatentShapeExperiment {

    private static final String PAPER = "kl 1e-3 (the paper's)";
    private static final String RECIPE = "kl 0.1 (the quickstart's)";

    @Test
    void latentShape(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The latent space (mixture head)", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            AutoencoderConfig recipe = ae.config();
            CalmRecipe calm = c.calm();
            List<StudyArm> arms = new ArrayList<>();
            arms.add(new StudyArm(PAPER, ae.with(recipe.withKlWeight(1e-3)), calm));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("kl 1e-2", ae.with(recipe.withKlWeight(1e-2)), calm));
            }
            arms.add(new StudyArm(RECIPE, ae, calm));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("kl 1e-2, posterior std fixed at 0.5", ae.with(recipe.withKlWeight(1e-2)
                        .withPosteriorStd(0.5)), calm));
                arms.add(new StudyArm("kl 0.1, l 32", ae.with(recipe.withLatentSize(32)), calm));
                arms.add(new StudyArm("kl 0.1, l 64", ae.with(recipe.withLatentSize(64)), calm));
            }
            return arms;
        });
        double paper = outcome.arm(PAPER).geometry().stdOverRms();
        double heavy = outcome.arm(RECIPE).geometry().stdOverRms();
        assertTrue(heavy > 1.5 * paper, "a heavier KL term should widen the posterior against the means: std/RMS "
                + heavy + " vs " + paper);
    }
}
