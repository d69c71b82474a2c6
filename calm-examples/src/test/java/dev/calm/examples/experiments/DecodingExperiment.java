/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.examples.study.StudyArm;
import dev.calm.examples.study.StudyResult;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How CALM's sampled vectors become tokens, on one trained model (both arms train the same recipe with the same
 * seed, so the same weights): the paper's argmax decoding, and ancestral decoding ({@code AncestralDecoding}), which
 * draws each token from the decoder's softmax. Each Brier-n is 2 accuracy - collision; argmax decoding maps every
 * sample in a decoder region to the same chunk. At the tiny scale it asserts that the two arms trained the same
 * model and that ancestral decoding does not repeat whole chunks more often than argmax decoding does.
 */
@CalmExperiment(seed = 5)
class DecodingExperiment {

    private static final String ARGMAX = "argmax decoding (the paper's)";
    private static final String ANCESTRAL = "ancestral decoding";

    @Test
    void decoding(Experiment experiment) {
        Ablation.Outcome outcome = Ablation.run(experiment, "Decoding CALM's vectors", c -> List.of(
                new StudyArm(ARGMAX, c.autoencoder(), c.calm()),
                new StudyArm(ANCESTRAL, c.autoencoder(), c.calm().withAncestralDecoding(true))));
        StudyResult argmax = outcome.arm(ARGMAX);
        StudyResult ancestral = outcome.arm(ANCESTRAL);
        assertEquals(argmax.energyAfter(), ancestral.energyAfter(), 0, "one recipe and seed: the same trained model");
        double[] a = argmax.terms().collision();
        double[] b = ancestral.terms().collision();
        assertTrue(b[3] <= a[3] + 0.1 * a[3] + 1e-4, "whole-chunk collisions: ancestral " + b[3] + " vs argmax " + a[3]);
    }
}
