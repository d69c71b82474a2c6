/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.EnergyFixtures;
import dev.calm.energy.EnergyHead;
import dev.calm.energy.GenerativeHead;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.energy.MixtureHeadConfig;
import dev.calm.energy.TrainingFlops;
import dev.calm.experiment.CalmExperiment;
import org.junit.jupiter.api.Test;

/**
 * {@code train_flops} of a CALM: counted from the shapes for the energy head and its subclasses, and NaN (not
 * logged) for a head whose compute the count does not know, rather than the energy head's figure.
 */
@CalmExperiment
class CalmObjectiveFlopsTest {

    private static final Shape BATCH = new Shape(2, 32);

    @Test
    void theEnergyHeadAndItsSubclassesAreCountedFromTheirShapes(NDManager root) {
        Autoencoder ae = TinyModels.tinyAutoencoder(root, 1);
        CalmConfig config = CalmConfig.tiny(16, 4, 8);
        double expected = TrainingFlops.calm(config, ae.config(), 32);
        assertTrue(expected > 0);
        assertEquals(expected, new CalmObjective(EnergyFixtures.calm(ae, root, 2)).flopsPerToken(BATCH));
        EnergyHead subclass = new EnergyHead(config.head(), config.backbone().hiddenSize(), config.latentSize()) {};
        assertEquals(expected, new CalmObjective(new Calm(config, subclass, ae)).flopsPerToken(BATCH));
    }

    @Test
    void theMixtureHeadIsCountedFromItsShapes(NDManager root) {
        Autoencoder ae = TinyModels.tinyAutoencoder(root, 1);
        CalmConfig config = CalmConfig.tiny(16, 4, 8).withMixtureHead(MixtureHeadConfig.defaults().withComponents(4));
        Calm calm = new Calm(config, ae);
        calm.initialize(root, new Rng(2));
        double expected = TrainingFlops.calm(config, ae.config(), 32);
        assertTrue(expected > 0 && expected != TrainingFlops.calm(CalmConfig.tiny(16, 4, 8), ae.config(), 32));
        assertEquals(expected, new CalmObjective(calm).flopsPerToken(BATCH));
    }

    @Test
    void anotherHeadLogsNoFlopsRatherThanTheEnergyHeads(NDManager root) {
        Autoencoder ae = TinyModels.tinyAutoencoder(root, 1);
        GenerativeHead other = new GenerativeHead() {
            @Override
            public String parameterPrefix() {
                return "other_head";
            }

            @Override
            public NDArray sample(NDArray hidden, int n, Rng rng) {
                throw new UnsupportedOperationException("not drawn in this test");
            }

            @Override
            public TrainingLoss loss(NDArray hidden, Posterior target, Rng rng) {
                throw new UnsupportedOperationException("not trained in this test");
            }
        };
        double flops = new CalmObjective(new Calm(CalmConfig.tiny(16, 4, 8), other, ae)).flopsPerToken(BATCH);
        assertTrue(Double.isNaN(flops), "got " + flops);
    }
}
