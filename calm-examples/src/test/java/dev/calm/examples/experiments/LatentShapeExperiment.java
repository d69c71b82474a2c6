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
 * The shape of the latent space at K = 4: the latent size l, the autoencoder's KL weight, and a fixed posterior std
 * instead of a learned one, each with the same CALM recipe on top. The latent-geometry columns say how the space
 * changed (the posterior std against the spread of the means, decoding at one std of noise, how much of the
 * distance the first token explains); the head and Brier columns, what the CALM made of it. At the tiny scale it
 * asserts the direction of the KL weight on the geometry: a heavier KL term widens the posterior against the means.
 */
@CalmExperiment(seed = 4)
class LatentShapeExperiment {

    private static final String BASE = "kl 1e-3 (the paper's)";
    private static final String HEAVY = "kl 1e-1";

    @Test
    void latentShape(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The latent space", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            AutoencoderConfig paper = ae.config();
            CalmRecipe calm = c.calm();
            List<StudyArm> arms = new ArrayList<>();
            arms.add(new StudyArm(BASE, ae, calm));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("kl 1e-2", ae.with(paper.withKlWeight(1e-2)), calm));
            }
            arms.add(new StudyArm(HEAVY, ae.with(paper.withKlWeight(1e-1)), calm));
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("posterior std fixed at 0.5, kl 1e-2", ae.with(paper.withKlWeight(1e-2)
                        .withPosteriorStd(0.5)), calm));
                for (int l : new int[] {16, 32, 64}) {
                    arms.add(new StudyArm("l " + l, ae.with(paper.withLatentSize(l)), calm));
                }
            }
            return arms;
        });
        double base = outcome.arm(BASE).geometry().stdOverRms();
        double heavy = outcome.arm(HEAVY).geometry().stdOverRms();
        assertTrue(heavy > 1.5 * base, "a heavier KL term should widen the posterior against the means: std/RMS "
                + heavy + " vs " + base);
    }
}
