/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.TokenFixtures;
import dev.calm.diagnostics.HeadDiagnostics;
import dev.calm.diagnostics.LatentGeometry;
import dev.calm.energy.Calm;
import dev.calm.energy.EnergyFixtures;
import dev.calm.eval.BrierEvaluator;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every library call that switches autograd recording off for its own work gives the calling thread back the
 * grad mode it found, on or off ({@code torch.no_grad()} semantics): a call that left it off would make a caller's
 * later forward pass record nothing, and one that left it on would make in-place parameter edits fail. Each call
 * runs with both modes; the test fails on the first call whose site sets the mode without restoring it.
 */
class GradModeRestoredTest {

    private static final int[][] BLOCKS = TokenFixtures.countingBlocks(4, 16, 16); // [4][16]: 4 chunks of K 4

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    @ParameterizedTest(name = "grad mode {0}")
    @ValueSource(booleans = {true, false})
    void everyCallRestoresTheCallersGradMode(boolean mode, @TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Autoencoder ae = TinyModels.tinyAutoencoder(root, 1);
            Calm calm = EnergyFixtures.calm(ae, root, 2);
            CalmObjective objective = new CalmObjective(calm);

            Backend.setGradMode(mode);
            objective.heldOutLoss(BLOCKS, 2, new Rng(3));
            assertEquals(mode, Backend.isGradMode(), "Objective.heldOutLoss");

            new Trainer(objective, Runs.chunkData(4), Runs.config(2).build(), dir).fit();
            assertEquals(mode, Backend.isGradMode(), "Trainer.fit");

            try (AdamW optimizer = AdamW.of(calm, root, Runs.config(1).build());
                    StepScope step = StepScope.open(root)) {
                optimizer.step(step.manager(), 1e-3); // zero gradients after fit: a step of weight decay only
            }
            assertEquals(mode, Backend.isGradMode(), "AdamW.step");

            Generator generator = new Generator(calm, 0);
            generator.generate(new long[] {1, 2, 3, 4}, GenerationConfig.of(8), new Rng(4)); // one prompt, one thread
            assertEquals(mode, Backend.isGradMode(), "Generator.generate, one prompt");
            generator.generate(List.of(new long[] {1, 2}, new long[] {3}), GenerationConfig.of(8), new Rng(5));
            assertEquals(mode, Backend.isGradMode(), "Generator.generate, a batch");

            new BrierEvaluator(calm).evaluate(BLOCKS, 2, new Rng(6));
            assertEquals(mode, Backend.isGradMode(), "BrierEvaluator.evaluate");

            HeadDiagnostics.measure(calm, BLOCKS, 2, new Rng(7));
            assertEquals(mode, Backend.isGradMode(), "HeadDiagnostics.measure");

            LatentGeometry.measure(ae, BLOCKS, new Rng(8));
            assertEquals(mode, Backend.isGradMode(), "LatentGeometry.measure");
        }
    }
}
