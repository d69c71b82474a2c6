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
 * The auxiliary token cross-entropy on CALM's backbone (not in the paper) under the quickstart's CALM (the mixture
 * head): off (the quickstart's), at a constant weight of 0.3, and at a weight of 1 annealed to 0 by mid-run.
 * Sampling is the head's alone in every arm. At the tiny scale it asserts only that the auxiliary loss does not stop
 * the head from learning (Brier-1 above the unigram sampler's).
 */
@CalmExperiment(seed = 7)
class AuxiliaryLossExperiment {

    private static final String CONSTANT = "auxiliary weight 0.3";

    @Test
    void auxiliaryLoss(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The auxiliary token cross-entropy (mixture head)", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            CalmRecipe calm = c.calm();
            List<StudyArm> arms = new ArrayList<>();
            if (c.scale() == StudyScale.BROWN) {
                arms.add(new StudyArm("no auxiliary loss (the quickstart's)", ae, calm));
                arms.add(new StudyArm("auxiliary weight 1, annealed to 0 by mid-run", ae,
                        calm.withAux(1, calm.steps() / 2)));
            }
            arms.add(new StudyArm(CONSTANT, ae, calm.withAux(0.3, 0)));
            return arms;
        });
        double unigram = outcome.references().get("unigram").brier()[0];
        assertTrue(outcome.brier1(CONSTANT) > unigram, "with the auxiliary loss the head should still beat the "
                + "unigram sampler: Brier-1 " + outcome.brier1(CONSTANT) + " vs " + unigram);
    }
}
