/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.EnergyFixtures;
import dev.calm.energy.GenerativeHead;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import org.junit.jupiter.api.Test;

/**
 * Head diagnostics with a head whose samples are known: it always returns the posterior mean of chunk A, on
 * blocks A B A B ..., so every figure follows from the autoencoder's encoding of A and B.
 */
@CalmExperiment
class HeadDiagnosticsTest {

    private static final int K = 2;
    private static final int[] A = {3, 5};
    private static final int[] B = {7, 11};

    /** Returns one fixed latent vector for every position and sample. */
    static final class ConstantHead extends GenerativeHead {
        private final NDArray z; // [l]

        ConstantHead(NDArray z) {
            this.z = z;
        }

        @Override
        public String parameterPrefix() {
            return "constant";
        }

        @Override
        public NDArray sample(NDArray hidden, int n, Rng rng) {
            long p = hidden.getShape().get(0);
            return z.getManager().zeros(new ai.djl.ndarray.types.Shape(n, p, z.size())).add(z); // [n, P, l]
        }

        @Override
        public TrainingLoss loss(NDArray hidden, Posterior target, Rng rng) {
            throw new UnsupportedOperationException("a fixed head does not train");
        }
    }

    @Test
    void everyFigureFollowsFromTheEncodingsOfTheTwoChunks(NDManager manager) {
        Autoencoder ae = new Autoencoder(EnergyFixtures.autoencoderConfig(K));
        ae.initialize(manager, new Rng(1));
        NDArray muA = ae.encode(manager.create(new long[] {A[0], A[1]}).reshape(1, K)).mean().reshape(-1); // [l]
        NDArray muB = ae.encode(manager.create(new long[] {B[0], B[1]}).reshape(1, K)).mean().reshape(-1);
        Calm calm = new Calm(CalmConfig.tiny(EnergyFixtures.VOCAB, K, EnergyFixtures.LATENT),
                new ConstantHead(muA), ae);
        calm.initialize(manager, new Rng(2));
        int[][] blocks = new int[3][16]; // 8 chunks A B A B A B A B: positions predict B A B A B A B
        for (int[] block : blocks) {
            for (int c = 0; c < 8; c++) {
                System.arraycopy(c % 2 == 0 ? A : B, 0, block, c * K, K);
            }
        }
        HeadDiagnostics d = HeadDiagnostics.measure(calm, blocks, 2, new Rng(3));
        assertEquals(21, d.positions());
        double gap = muA.sub(muB).norm().getFloat();
        assertEquals(4 * gap / 7, d.distanceToTrue(), 1e-4, "0 for the 3 A positions, |muA - muB| for the 4 B's");
        assertTrue(d.distanceToRandom() >= 0 && d.distanceToRandom() <= gap + 1e-4);

        long[] decoded = calm.decode(muA.reshape(1, 1, -1)).toLongArray(); // what every sample decodes to
        double firstHits = (4 * (decoded[0] == B[0] ? 1 : 0) + 3 * (decoded[0] == A[0] ? 1 : 0)) / 7.0;
        assertEquals(firstHits, d.firstTokenAccuracy(), 1e-9);
        assertEquals(2 * firstHits - 1, d.brier1(), 1e-9, "two equal samples: 1{x=y} + 1{x=y} - 1");
        double chunkHits = (4 * (decoded[0] == B[0] && decoded[1] == B[1] ? 1 : 0)
                + 3 * (decoded[0] == A[0] && decoded[1] == A[1] ? 1 : 0)) / 7.0;
        assertEquals(chunkHits, d.chunkAccuracy(), 1e-9);
        assertArrayEquals(new double[] {firstHits, chunkHits}, d.accuracy(), 1e-9);
        assertArrayEquals(new double[] {1, 1}, d.collision(), 0, "a constant head's two samples always agree");
        assertEquals(2 * chunkHits - 1, d.brier(2), 1e-9);
        if (firstHits > 0) {
            assertEquals(1 / firstHits, d.overconfidence(1), 1e-9);
        } else {
            assertTrue(Double.isNaN(d.overconfidence(1)));
        }
        Posterior again = ae.encode(manager.create(decoded).reshape(1, K));
        double z = muA.sub(again.mean().reshape(-1)).div(again.std().reshape(-1)).square().mean().sqrt().getFloat();
        assertEquals(z <= HeadDiagnostics.MANIFOLD_Z ? 1 : 0, d.onManifold(), 1e-9);
        assertEquals(6 + 2 * K, d.metrics().size());
        assertEquals(1.0, d.metrics().get("head_collision_2"));
    }
}
