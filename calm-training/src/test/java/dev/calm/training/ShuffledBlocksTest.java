/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ShuffledBlocksTest {

    /** Block i holds (i, 100 + i): the first column names the block. */
    private static int[][] blocks(int n) {
        int[][] b = new int[n][];
        for (int i = 0; i < n; i++) {
            b[i] = new int[] {i, 100 + i};
        }
        return b;
    }

    /** The block ids of the next {@code batches} batches. */
    private static List<Integer> draw(ShuffledBlocks source, NDManager m, int batches) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            long[] batch = source.next(m).toLongArray();
            for (int r = 0; r < batch.length; r += 2) {
                assertEquals(batch[r] + 100, batch[r + 1], "rows are whole blocks");
                ids.add((int) batch[r]);
            }
        }
        return ids;
    }

    @Test
    void batchesAreInt64BlocksOfTheRightShape() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            ShuffledBlocks source = new ShuffledBlocks(blocks(10), 3, 7);
            NDArray batch = source.next(m);
            assertEquals(new Shape(3, 2), batch.getShape());
            assertEquals(DataType.INT64, batch.getDataType());
            assertEquals(6, source.tokensPerBatch());
            assertEquals(3, source.position());
        }
    }

    @Test
    void everyBlockOncePerEpochInANewOrderEachEpoch() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            ShuffledBlocks source = new ShuffledBlocks(blocks(12), 4, 7);
            List<Integer> epoch0 = draw(source, m, 3);
            List<Integer> epoch1 = draw(source, m, 3);
            TreeSet<Integer> all = new TreeSet<>();
            for (int i = 0; i < 12; i++) {
                all.add(i);
            }
            assertEquals(all, new TreeSet<>(epoch0));
            assertEquals(all, new TreeSet<>(epoch1));
            assertEquals(12, epoch0.size());
            assertNotEquals(epoch0, epoch1, "reshuffled per epoch");
            assertEquals(2, source.epoch());
            // a batch spanning the epoch boundary (12 is not a multiple of 5) still covers each block once
            ShuffledBlocks odd = new ShuffledBlocks(blocks(12), 5, 7);
            List<Integer> ids = draw(odd, m, 12); // 60 blocks = 5 epochs
            for (int e = 0; e < 5; e++) {
                assertEquals(all, new TreeSet<>(ids.subList(12 * e, 12 * e + 12)), "epoch " + e);
            }
        }
    }

    @Test
    void seekReproducesTheSameSequenceAndSeedsDiffer() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            ShuffledBlocks a = new ShuffledBlocks(blocks(9), 2, 3);
            draw(a, m, 5);
            long position = a.position();
            List<Integer> next = draw(a, m, 8);
            ShuffledBlocks b = new ShuffledBlocks(blocks(9), 2, 3);
            b.seek(position);
            assertEquals(next, draw(b, m, 8));
            ShuffledBlocks c = new ShuffledBlocks(blocks(9), 2, 4);
            assertNotEquals(draw(new ShuffledBlocks(blocks(9), 2, 3), m, 4), draw(c, m, 4));
        }
    }

    @Test
    void rejectsEmptyOrRaggedCorpora() {
        CalmException empty = assertThrows(CalmException.class, () -> new ShuffledBlocks(new int[0][], 2, 0));
        assertTrue(empty.getMessage().contains("corpus is empty"), empty.getMessage());
        CalmException ragged = assertThrows(CalmException.class,
                () -> new ShuffledBlocks(new int[][] {{1, 2}, {3}}, 2, 0));
        assertEquals("training blocks must have equal lengths: block 0 has 2 tokens, block 1 has 1",
                ragged.getMessage());
        assertThrows(CalmException.class, () -> new ShuffledBlocks(blocks(3), 0, 0));
        assertThrows(CalmException.class, () -> new ShuffledBlocks(blocks(3), 1, 0).seek(-1));
        assertArrayEquals(new int[] {0, 100}, blocks(3)[0]);
    }
}
