/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random chunks replace whole chunks, at the requested rate, with ids covering the vocabulary. */
class VocabularyCoverageTest {

    @Test
    void replacesWholeChunksAtTheRequestedRate() {
        try (NDManager manager = Backend.newManager(Device.cpu())) {
            int b = 64;
            int t = 256;
            int k = 4;
            // every original id is 0, so a replaced position shows as an id != 0 (or as 0, with probability 1/1000)
            NDArray batch = manager.zeros(new Shape(b, t), DataType.INT64);
            long[] mixed = VocabularyCoverage.mix(batch, k, 0.25, 1000, new Rng(9)).toLongArray();
            int replaced = 0;
            Set<Long> ids = new HashSet<>();
            for (int c = 0; c < mixed.length; c += k) {
                int nonZero = 0;
                for (int j = c; j < c + k; j++) {
                    nonZero += mixed[j] != 0 ? 1 : 0;
                    ids.add(mixed[j]);
                    assertTrue(mixed[j] >= 0 && mixed[j] < 1000);
                }
                // a chunk is replaced whole or not at all (a random id is 0 with probability 1/1000)
                assertTrue(nonZero == 0 || nonZero >= k - 1, "chunk " + c / k + " partly replaced");
                replaced += nonZero > 0 ? 1 : 0;
            }
            int chunks = b * t / k; // 4096 chunks; binomial sd of the count is sqrt(4096 * .25 * .75) = 27.7
            assertEquals(0.25 * chunks, replaced, 5 * 27.7);
            assertTrue(ids.size() > 900, "ids drawn: " + ids.size()); // 4096 draws cover most of 1000 ids
        }
    }

    @Test
    void fractionZeroIsTheBatchItselfAndOneReplacesEverything() {
        try (NDManager manager = Backend.newManager(Device.cpu())) {
            NDArray batch = manager.arange(0, 32, 1, DataType.INT64).reshape(2, 16);
            assertSame(batch, VocabularyCoverage.mix(batch, 4, 0, 50, new Rng(1)));
            long[] all = VocabularyCoverage.mix(batch, 4, 1, 50, new Rng(1)).toLongArray();
            long[] again = VocabularyCoverage.mix(batch, 4, 1, 50, new Rng(1)).toLongArray();
            assertArrayEquals(all, again, "same seed, same draws");
            int unchanged = 0;
            for (int i = 0; i < all.length; i++) {
                unchanged += all[i] == i ? 1 : 0;
            }
            assertTrue(unchanged < 4, "unchanged positions: " + unchanged);
            assertThrows(CalmException.class, () -> VocabularyCoverage.mix(batch, 4, 1.5, 50, new Rng(1)));
        }
    }
}
