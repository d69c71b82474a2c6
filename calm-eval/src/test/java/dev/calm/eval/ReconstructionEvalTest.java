/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reconstruction accuracy counts against an independent count on the same model. */
class ReconstructionEvalTest {

    /** K 2 over 6 ids, d 16, intermediate 32, l 8: a tiny vocabulary and a wide latent. */
    private static final AutoencoderConfig TINY =
            AutoencoderConfig.paper(6).toBuilder().patchSize(2).hiddenSize(16).intermediateSize(32).latentSize(8).build();

    @Test
    void countsMatchAnIndependentCountAndNoiseDestroysReconstruction() {
        try (NDManager manager = Backend.newManager(Device.cpu())) {
            // a tiny vocabulary and wide latent: a random init already reconstructs some tokens
            Autoencoder ae = new Autoencoder(TINY);
            ae.initialize(manager, new Rng(11));
            SplittableRandom random = new SplittableRandom(5);
            int[][] blocks = new int[7][8];
            for (int[] block : blocks) {
                for (int i = 0; i < block.length; i++) {
                    block[i] = random.nextInt(6);
                }
            }
            List<ReconstructionAccuracy> rows =
                    ReconstructionEval.sweep(ae, blocks, 3, new double[] {0, 1000}, new Rng(1));

            NDArray tokens = manager.create(blocks).toType(DataType.INT64, false); // [7, 8]
            boolean[] hit = ae.reconstruct(tokens).eq(tokens).toBooleanArray();
            long tokenHits = 0;
            long chunkHits = 0;
            for (int c = 0; c < hit.length; c += 2) {
                tokenHits += (hit[c] ? 1 : 0) + (hit[c + 1] ? 1 : 0);
                chunkHits += hit[c] && hit[c + 1] ? 1 : 0;
            }
            ReconstructionAccuracy clean = rows.get(0);
            assertEquals(56, clean.tokens());
            assertEquals(28, clean.chunks());
            assertEquals(tokenHits / 56.0, clean.tokenAccuracy(), 1e-12);
            assertEquals(chunkHits / 28.0, clean.chunkAccuracy(), 1e-12);
            assertTrue(clean.chunkAccuracy() <= clean.tokenAccuracy());
            // sigma 1000 drowns the mean: the decoder sees noise, accuracy is near chance (1/6), far from clean
            assertTrue(rows.get(1).tokenAccuracy() < 0.45, rows.toString());
            assertTrue(ReconstructionAccuracy.table(rows).contains("| 1000.00 | 56 |"));
        }
    }

    @Test
    void nothingToEvaluateIsAClearError() {
        Autoencoder ae = new Autoencoder(TINY); // the blocks are checked before the model is used
        CalmException e = assertThrows(CalmException.class,
                () -> ReconstructionEval.sweep(ae, new int[0][], 4, new double[] {0}, new Rng(1)));
        assertTrue(e.getMessage().contains("no held-out blocks"));
    }
}
