/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.eval.ReconstructionEval;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both of CALM's stages end to end on real text, a slice of the Brown corpus: a tiny autoencoder trained on it
 * learns to reconstruct held-out documents far above what an untrained one can, and a tiny CALM trained over that
 * autoencoder with the energy loss lowers that loss on held-out documents clearly below its untrained value. The
 * autoencoder is trained once for both (CALM does not change it: it is frozen, not a child module).
 */
class BrownTrainingTest {

    private static final Logger LOG = LoggerFactory.getLogger(BrownTrainingTest.class);

    private static final int CALM_STEPS = 300;

    @TempDir
    static Path dir;

    private static NDManager root;
    private static TinyModels.TextSlice slice;
    private static Autoencoder ae;
    private static double untrainedAccuracy;
    private static TrainResult aeRun;

    @BeforeAll
    static void trainTheAutoencoder() {
        Runs.oneThread();
        slice = TinyModels.brownSlice(dir);
        root = Backend.newManager(Device.cpu());
        ae = TinyModels.brownAutoencoder(root);
        untrainedAccuracy = accuracy(ae, slice.heldOut());
        aeRun = TinyModels.trainAutoencoder(ae, slice.train(), dir.resolve("ae"));
    }

    @AfterAll
    static void close() {
        if (root != null) {
            root.close();
        }
    }

    @Test
    void aTinyAutoencoderLearnsToReconstructHeldOutBrownText() {
        double after = accuracy(ae, slice.heldOut());
        LOG.info("tiny autoencoder on 60 Brown documents: held-out token accuracy {} -> {} in {} steps, {} s",
                untrainedAccuracy, after, aeRun.steps(), aeRun.elapsedSeconds());

        assertEquals(300, aeRun.steps());
        // untrained: about chance over 512 ids (measured 0.003)
        assertTrue(untrainedAccuracy < 0.05, "untrained accuracy " + untrainedAccuracy);
        assertTrue(after > 0.9, "held-out token accuracy after training: " + after); // measured 0.970
    }

    @Test
    void aTinyCalmLowersItsEnergyLossOnHeldOutBrownText() {
        Calm calm = new Calm(CalmConfig.tiny(TinyModels.BROWN_VOCAB, 4, ae.config().latentSize()), ae);
        calm.initialize(root, new Rng(4));
        CalmObjective objective = new CalmObjective(calm);
        double before = objective.heldOutLoss(slice.heldOut(), 16, new Rng(9));
        TrainConfig config = Runs.config(CALM_STEPS).learningRate(3e-3).warmupSteps(20).logEvery(50).build();
        TrainResult result = new Trainer(objective, new ShuffledBlocks(slice.train(), 16, 5), config,
                dir.resolve("calm")).fit();
        double after = objective.heldOutLoss(slice.heldOut(), 16, new Rng(9));
        LOG.info("tiny CALM on 60 Brown documents: held-out energy loss {} -> {} in {} steps, {} s", before, after,
                result.steps(), result.elapsedSeconds());

        assertEquals(CALM_STEPS, result.steps());
        // Untrained, the zero-initialised head emits z = 0, so the loss is 2 E||y||: measured 23.67. After 300 steps
        // (lr 3e-3): 16.81. The held-out mean covers 64 blocks x 15 predicted chunks with a fixed noise seed.
        // This is all it claims: a model that learns only the chunks' marginal distribution passes it, and at this
        // scale the energy head is one. Measured with the chunks 1 .. N-1 of each held-out block permuted (the
        // same targets, another context), paired per block: the loss rose by 0.027 ± 0.082, no context use (the
        // paper's head does not learn its context at laptop scale: docs/measured.md, issue 14). That CALM learns
        // from its context is LearnablePatternTest's claim, on text where it can (Brier-1 far above 1/16).
        assertTrue(after < 0.8 * before, "held-out energy loss " + before + " -> " + after);
    }

    private static double accuracy(Autoencoder ae, int[][] blocks) {
        return ReconstructionEval.sweep(ae, blocks, 16, new double[] {0}, new Rng(0)).get(0).tokenAccuracy();
    }
}
