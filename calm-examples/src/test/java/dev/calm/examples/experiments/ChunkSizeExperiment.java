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
 * The K ladder: K = 1, 2 and 4 (l = 32 K) with the same CALM recipe, at matched training compute: the steps of
 * K = 1 and 2 are scaled down by the ratio of their training FLOPs per token to K = 4's (counted from the shapes,
 * {@code TrainingFlops}), so every arm spends the FLOPs of the K = 4 recipe. If K = 1 cannot beat the unigram
 * sampler, the bottleneck is the head or the optimiser, not the chunking.
 */
@CalmExperiment(seed = 5)
class ChunkSizeExperiment {

    @Test
    void chunkSize(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "The chunk size K at matched training FLOPs", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            CalmRecipe calm = c.calm();
            List<StudyArm> arms = new ArrayList<>();
            for (int k : new int[] {4, 2, 1}) {
                AutoencoderRecipe aeK = ae.with(ae.config().withPatchSize(k)
                        .withLatentSize(ae.config().latentSize() * k / 4));
                CalmRecipe calmK = calm.withBudget(MatchedCompute.steps(calm, ae.config(), aeK.config(),
                        c.data().train()[0].length), calm.batchSize(), calm.warmupSteps());
                arms.add(new StudyArm("K " + k, aeK, calmK));
            }
            return arms;
        });
        double unigram = outcome.references().get("unigram").brier()[0];
        assertTrue(outcome.brier1("K 4") > unigram || outcome.brier1("K 1") > unigram,
                "some K should beat the unigram sampler's Brier-1 " + unigram);
    }
}
