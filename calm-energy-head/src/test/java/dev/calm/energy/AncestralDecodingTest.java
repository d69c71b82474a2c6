/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import org.junit.jupiter.api.Test;

/** Ancestral decoding draws each token from E_z p(x | z): the decoder's softmax averaged over the head's z. */
class AncestralDecodingTest {

    private static final int M = 6000;
    private static final int K = 4;
    private static final int V = EnergyFixtures.VOCAB;

    @Test
    void tokensFollowTheDecodersSoftmaxAveragedOverTheHead() {
        try (NDManager m = Backend.newManager(Device.cpu()); Backend.GradScope g = Backend.noGrad()) {
            Calm calm = EnergyFixtures.tinyCalm(m, K);
            EnergyFixtures.randomiseHeadOutput(calm, m);
            NDArray hidden = calm.hidden(m.create(new long[] {1, 2, 3, 4}, new Shape(1, K)), null, null)
                    .reshape(1, -1); // [1, d]: one position

            // E_z softmax(decode(z)) for every token slot of the chunk, from M independent draws of the head
            NDArray z = calm.head().sample(hidden, M, new Rng(1)); // [M, 1, l]
            float[] expected = calm.autoencoder().decode(z).softmax(-1).mean(new int[] {0}).toFloatArray(); // [K*V]

            long[] ancestral = AncestralDecoding.of(calm).sample(hidden, M, new Rng(2)).toLongArray(); // [M*1*K]
            long[] argmax = calm.sample(hidden, M, new Rng(2)).toLongArray();
            double worstAncestral = 0;
            double worstArgmax = 0;
            for (int slot = 0; slot < K; slot++) {
                double[] a = frequencies(ancestral, slot);
                double[] b = frequencies(argmax, slot);
                for (int x = 0; x < V; x++) {
                    double p = expected[slot * V + x];
                    // multinomial noise of M draws plus the Monte Carlo noise of the expectation's M draws
                    double se = Math.sqrt(2 * p * (1 - p) / M) + 1e-9;
                    worstAncestral = Math.max(worstAncestral, Math.abs(a[x] - p) / se);
                    worstArgmax = Math.max(worstArgmax, Math.abs(b[x] - p) / se);
                }
            }
            assertTrue(worstAncestral < 4.5, "largest |z| of the ancestral frequencies " + worstAncestral);
            // the decoder of an untrained autoencoder is far from one-hot: argmax decoding is not this distribution
            assertTrue(worstArgmax > 10, "argmax decoding's largest |z| " + worstArgmax);
        }
    }

    @Test
    void sameSeedSameTokensAndTheShapeOfAStep() {
        try (NDManager m = Backend.newManager(Device.cpu()); Backend.GradScope g = Backend.noGrad()) {
            Calm calm = EnergyFixtures.tinyCalm(m, K);
            AncestralDecoding model = AncestralDecoding.of(calm);
            assertEquals(K, model.tokensPerStep());
            NDArray hidden = calm.hidden(m.create(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 2 * K)), null,
                    null).reshape(2, -1); // [P = 2, d]
            NDArray a = model.sample(hidden, 3, new Rng(9));
            assertEquals(new Shape(3, 2, K), a.getShape());
            assertArrayEquals(a.toLongArray(), model.sample(hidden, 3, new Rng(9)).toLongArray());
        }
    }

    private static double[] frequencies(long[] tokens, int slot) {
        double[] f = new double[V];
        for (int i = slot; i < tokens.length; i += K) {
            f[(int) tokens[i]] += 1.0 / M;
        }
        return f;
    }
}
