/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One seed, the same numbers; a restored state continues the stream exactly. */
class RngTest {

    @Test
    void sameSeedGivesIdenticalTensorsAndModels() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            Rng a = new Rng(123);
            Rng b = new Rng(123);
            Shape s = new Shape(1000);
            assertArrayEquals(a.normal(m, s, 0, 1).toFloatArray(), b.normal(m, s, 0, 1).toFloatArray(), 0f);
            assertArrayEquals(a.uniform(m, s, -0.5f, 0.5f).toFloatArray(), b.uniform(m, s, -0.5f, 0.5f).toFloatArray(), 0f);
            assertFalse(Arrays.equals(new Rng(124).normal(m, s, 0, 1).toFloatArray(), new Rng(123).normal(m, s, 0, 1).toFloatArray()));

            Transformer x = new Transformer(TransformerConfig.tiny(50));
            Transformer y = new Transformer(TransformerConfig.tiny(50));
            x.initialize(m, new Rng(9));
            y.initialize(m, new Rng(9));
            var ids = m.create(new long[] {1, 2, 3, 4, 5}, new Shape(1, 5));
            assertArrayEquals(x.forwardTokens(ids, null).toFloatArray(), y.forwardTokens(ids, null).toFloatArray(), 0f);
        }
    }

    @Test
    void restoredStateContinuesTheStream() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            Rng a = new Rng(5);
            a.normal(m, new Shape(10), 0, 1);
            a.nextLong();
            Rng b = Rng.restore(a.seed(), a.draws());
            assertEquals(2, a.draws());
            assertArrayEquals(a.normal(m, new Shape(10), 0, 1).toFloatArray(), b.normal(m, new Shape(10), 0, 1).toFloatArray(), 0f);
            assertEquals(a.nextLong(), b.nextLong());
        }
    }

    @Test
    void libtorchDrawsElsewhereDoNotShiftTheStream() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            Rng a = new Rng(77);
            float[] expected = a.normal(m, new Shape(8), 0, 1).toFloatArray();
            Rng b = new Rng(77);
            m.randomNormal(new Shape(100)); // someone else uses libtorch's global generator
            assertArrayEquals(expected, b.normal(m, new Shape(8), 0, 1).toFloatArray(), 0f);
        }
    }

    @Test
    void threadsDrawingAtOnceGetTheNumbersTheyWouldGetAlone() throws Exception {
        int threads = 4;
        int draws = 300;
        float[][] alone = new float[threads][];
        try (NDManager m = Backend.newManager(Device.cpu())) {
            for (int t = 0; t < threads; t++) {
                alone[t] = drawMany(m, new Rng(t), draws);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[]>> together = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                together.add(pool.submit(() -> {
                    try (NDManager m = Backend.newManager(Device.cpu())) {
                        return drawMany(m, new Rng(seed), draws);
                    }
                }));
            }
            for (int t = 0; t < threads; t++) {
                assertArrayEquals(alone[t], together.get(t).get(), 0f, "thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Many small seeded draws, so that unlocked threads would interleave a reseed between another's seed and draw. */
    private static float[] drawMany(NDManager m, Rng rng, int draws) {
        float[] out = new float[draws * 2];
        for (int i = 0; i < draws; i++) {
            try (NDManager step = m.newSubManager()) {
                out[2 * i] = rng.normal(step, new Shape(1), 0, 1).getFloat(0);
                out[2 * i + 1] = rng.uniform(step, new Shape(1), 0, 1).getFloat(0);
            }
        }
        return out;
    }

    @Test
    void forksAreIndependentAndReproducible() {
        Rng root = new Rng(1);
        long data = root.fork("data").nextLong();
        root.nextLong(); // draws on the parent do not move a fork
        assertEquals(data, root.fork("data").nextLong());
        assertFalse(data == root.fork("dropout").nextLong());
    }

    @Test
    void bernoulliHasTheRequestedRate() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            // 100000 draws at p = 0.15: standard error 0.0011, so 0.005 is more than 4 standard errors
            float mean = new Rng(3).bernoulli(m, new Shape(100_000), 0.15f).mean().getFloat();
            assertEquals(0.15, mean, 0.005);
            assertThrows(CalmException.class, () -> new Rng(3).bernoulli(m, new Shape(1), 1.5f));
        }
    }
}
