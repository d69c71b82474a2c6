/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.TokenFixtures;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.DiffusionHeadConfig;
import dev.calm.energy.FlowHeadConfig;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.eval.ReconstructionEval;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generations;
import dev.calm.sampling.Generator;
import dev.calm.sampling.TemperatureMethod;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's two other heads through the whole pipeline on the counting pattern of {@link LearnablePatternTest}: a
 * CALM with the flow-matching head, and one with the diffusion head (predicting v), over the same trained
 * autoencoder, must learn to count (Brier-1..4 near 1 from BrierLM's sampled estimator, which only calls the head's
 * sampler) and continue the count with the exact temperature sampler at T = 1/2 (which only calls it too), without
 * a fallback.
 */
class HeadsLearnThePatternTest {

    private static final Logger LOG = LoggerFactory.getLogger(HeadsLearnThePatternTest.class);
    private static final int VOCAB = 16;
    private static final int[][] TRAIN = TokenFixtures.countingBlocks(256, 32, VOCAB);
    private static final int[][] HELD_OUT = TokenFixtures.countingBlocks(16, 32, VOCAB);

    private static NDManager root;
    private static Autoencoder ae;

    @BeforeAll
    static void trainTheAutoencoder(@TempDir Path dir) {
        Runs.oneThread();
        root = Backend.newManager(Device.cpu());
        ae = TinyModels.tinyAutoencoder(root, 1);
        fit(new AutoencoderObjective(ae), 200, 6e-3, dir.resolve("ae"));
        assertEquals(1.0, ReconstructionEval.sweep(ae, HELD_OUT, 8, new double[] {0}, new Rng(9)).get(0)
                .tokenAccuracy(), "the autoencoder reconstructs every chunk");
    }

    @AfterAll
    static void close() {
        root.close();
    }

    @ParameterizedTest(name = "{0} head")
    @ValueSource(strings = {CalmConfig.FLOW, CalmConfig.DIFFUSION})
    void aCalmWithTheHeadLearnsToCountAndTheSamplerOnlyToolkitSaysSo(String head, @TempDir Path dir) {
        CalmConfig tiny = CalmConfig.tiny(VOCAB, 4, 8);
        CalmConfig config = head.equals(CalmConfig.FLOW) ? tiny.withFlowHead(FlowHeadConfig.of(1))
                : tiny.withDiffusionHead(DiffusionHeadConfig.of(1).withPrediction(DiffusionHeadConfig.V));
        Calm calm = new Calm(config, ae);
        calm.initialize(root, new Rng(2));
        fit(new CalmObjective(calm), STEPS, 3e-3, dir.resolve("calm"));

        BrierLM.Result r = new BrierEvaluator(calm).evaluate(HELD_OUT, 8, new Rng(4));
        LOG.info("{} head CALM on held-out counting blocks: {}", head, r.describe());
        for (int n = 0; n < 4; n++) {
            assertTrue(r.brier()[n] > 0.9, head + " Brier-" + (n + 1) + " " + r.describe());
        }
        long[] count = {7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2}; // what follows 3 4 5 6
        Generations g = new Generator(calm, 0).generate(List.of(new long[] {3, 4, 5, 6}),
                GenerationConfig.of(12).withStopAtEndOfText(false).withTemperature(0.5), new Rng(5));
        assertEquals(TemperatureMethod.EXACT, GenerationConfig.of(12).method(), "the exact sampler is the default");
        assertArrayEquals(count, g.first().tokens(), head + " continues the count at T = 1/2");
        assertEquals(0, g.fallbacks(), head + ": a confident model is tempered exactly, without fallback");
    }

    /**
     * CALM's steps with either head. Measured: the flow head Brier-1..4 1.000 (BrierLM 100.0), the diffusion head
     * (v prediction, 100 sampling steps) Brier-1 0.973 +- 0.020, Brier-4 0.982 +- 0.013 (BrierLM 97.8); an untrained
     * head scores about 0 (Brier-1 is 2 P(hit) - sum p^2), and so did the diffusion head predicting epsilon (see
     * GenerativeHeadFitTest for why).
     */
    private static final int STEPS = 400;

    private static void fit(Objective objective, int steps, double lr, Path dir) {
        TrainConfig config = Runs.config(steps).learningRate(lr).warmupSteps(20).logEvery(100).build();
        new Trainer(objective, new ShuffledBlocks(TRAIN, 16, 5), config, dir).fit();
    }
}
