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
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.data.shards.ShardIndex;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.core.data.shards.ShardedDatasetWriter;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.training.data.BlockPermutation;
import dev.calm.training.data.StreamingBlocks;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Blocks streamed from a sharded dataset: a permutation per epoch, the same batches as in memory, exact resume. */
class StreamingBlocksTest {

    /** The tiny language model's vocabulary: 16 ids, end-of-text 15. */
    private static final TokenizerIdentity TINY = new TokenizerIdentity(
            TokenizerIdentity.sha256("tiny".getBytes(StandardCharsets.UTF_8)), 16, 15);

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    /** 40 documents of 8 counting ids below 15, so that each document and its end-of-text is one block of 9. */
    private static int[][] documents() {
        int[][] docs = new int[40][8];
        for (int d = 0; d < docs.length; d++) {
            for (int i = 0; i < 8; i++) {
                docs[d][i] = (d + i) % 15;
            }
        }
        return docs;
    }

    private static ShardedDataset dataset(Path dir) {
        try (ShardedDatasetWriter w = ShardedDatasetWriter.create(dir,
                new ShardedDatasetWriter.Settings(TINY, 50, "train", 0, 0), s -> { })) {
            for (int[] d : documents()) {
                w.add(d);
            }
            ShardIndex index = w.finish();
            assertTrue(index.shards().size() > 3, "several shards: " + index.shards().size());
        }
        return ShardedDataset.open(dir);
    }

    private static TokenStore inMemory() {
        IntBuffer ids = IntBuffer.allocate(40 * 9);
        for (int[] d : documents()) {
            ids.put(d).put(15);
        }
        return TokenStore.of(ids.flip());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 17, 1000, 4097})
    void aPermutationVisitsEveryIndexOnce(long n) {
        BlockPermutation p = new BlockPermutation(n, new Rng(3));
        BitSet seen = new BitSet();
        for (long i = 0; i < n; i++) {
            long image = p.apply(i);
            assertTrue(image >= 0 && image < n, "image " + image + " of " + n);
            seen.set((int) image);
        }
        assertEquals(n, seen.cardinality());
        assertEquals(p.apply(n - 1), new BlockPermutation(n, new Rng(3)).apply(n - 1), "seeded");
    }

    @Test
    void aPermutationLooksShuffled() {
        int n = 10_000;
        BlockPermutation a = new BlockPermutation(n, new Rng(1));
        BlockPermutation b = new BlockPermutation(n, new Rng(2));
        int fixed = 0;
        int same = 0;
        long displacement = 0;
        for (int i = 0; i < n; i++) {
            fixed += a.apply(i) == i ? 1 : 0;
            same += a.apply(i) == b.apply(i) ? 1 : 0;
            displacement += Math.abs(a.apply(i) - i);
        }
        // a uniform permutation has 1 fixed point and 1 agreement on average, and a mean displacement of n / 3
        assertTrue(fixed < 10, "fixed points: " + fixed);
        assertTrue(same < 10, "agreements of two seeds: " + same);
        double mean = displacement / (double) n;
        assertTrue(Math.abs(mean - n / 3.0) < n * 0.03, "mean displacement " + mean + ", expected about " + n / 3);
    }

    @Test
    void everyEpochServesEveryBlockOnceInANewOrder(@TempDir Path dir) {
        StreamingBlocks source = new StreamingBlocks(dataset(dir), 9, 3, 4, 7);
        assertEquals(40, source.numBlocks());
        int[][] epochs = new int[2][];
        for (int e = 0; e < 2; e++) {
            int[] firsts = new int[40];
            for (int b = 0; b < 10; b++) {
                int[] ids = source.nextIds();
                for (int k = 0; k < 4; k++) {
                    int[] block = Arrays.copyOfRange(ids, k * 9, k * 9 + 9);
                    assertEquals(15, block[8], "a block is one document and its end-of-text");
                    firsts[b * 4 + k] = block[0];
                    assertArrayEquals(documents()[(int) source.blockAt(e * 40L + b * 4 + k)], Arrays.copyOf(block, 8));
                }
            }
            epochs[e] = firsts;
            assertEquals(e + 1, source.epoch());
        }
        long[] order0 = new long[40];
        long[] order1 = new long[40];
        for (int i = 0; i < 40; i++) {
            order0[i] = source.blockAt(i);
            order1[i] = source.blockAt(40 + i);
        }
        assertArrayEquals(java.util.stream.LongStream.range(0, 40).toArray(), Arrays.stream(order0).sorted().toArray());
        assertArrayEquals(java.util.stream.LongStream.range(0, 40).toArray(), Arrays.stream(order1).sorted().toArray());
        assertNotEquals(Arrays.toString(order0), Arrays.toString(order1), "each epoch has its own order");
    }

    @Test
    void shardsOnDiskAndTheCorpusInMemoryGiveTheSameBatches(@TempDir Path dir) {
        StreamingBlocks disk = new StreamingBlocks(dataset(dir), 18, 3, 3, 11);
        StreamingBlocks memory = new StreamingBlocks(inMemory(), 18, 3, 3, 11);
        for (int b = 0; b < 15; b++) {
            assertArrayEquals(memory.nextIds(), disk.nextIds(), "batch " + b);
        }
        try (NDManager m = Backend.newManager(Device.cpu())) {
            long at = disk.position();
            int[] ids = disk.nextIds();
            disk.seek(at);
            NDArray batch = disk.next(m);
            assertEquals(new Shape(3, 18), batch.getShape());
            assertArrayEquals(Arrays.stream(ids).asLongStream().toArray(), batch.toLongArray());
        }
    }

    @Test
    void seekingToAPositionGivesTheSameBatchesAgain(@TempDir Path dir) {
        StreamingBlocks source = new StreamingBlocks(dataset(dir), 9, 3, 4, 5);
        for (int b = 0; b < 7; b++) {
            source.nextIds();
        }
        long position = source.position();
        assertEquals(28, position);
        int[][] next = {source.nextIds(), source.nextIds(), source.nextIds()};
        StreamingBlocks fresh = new StreamingBlocks(dataset(dir.resolve("again")), 9, 3, 4, 5);
        fresh.seek(position);
        for (int[] batch : next) {
            assertArrayEquals(batch, fresh.nextIds());
        }
        assertThrows(CalmException.class, () -> fresh.seek(-1));
    }

    @Test
    void badSizesAreNamed(@TempDir Path dir) {
        TokenStore store = inMemory();
        assertTrue(assertThrows(CalmException.class, () -> new StreamingBlocks(store, 10, 3, 4, 0)).getMessage()
                .contains("multiple of the patch size K = 3"));
        assertTrue(assertThrows(CalmException.class, () -> new StreamingBlocks(store, 9, 3, 0, 0)).getMessage()
                .contains("batch_size"));
        assertTrue(assertThrows(CalmException.class, () -> new StreamingBlocks(store, 999, 3, 1, 0)).getMessage()
                .contains("fewer than one block"));
    }

    @Test
    void aKilledRunResumedFromShardsMatchesAnUninterruptedOne(@TempDir Path dir) {
        int steps = 8;
        TrainConfig config = Runs.config(steps).checkpointEvery(4).build();
        ShardedDataset data = dataset(dir.resolve("data"));
        float[] whole;
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0f);
            new Trainer(lm, new StreamingBlocks(data, 9, 3, 4, 5), config, dir.resolve("whole")).fit();
            whole = Runs.weights(lm.model());
        }
        Path killed = dir.resolve("killed");
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0f);
            Trainer trainer = new Trainer(lm, new StreamingBlocks(data, 9, 3, 4, 5), config, killed);
            trainer.addHook(Runs.killAt(6));
            assertThrows(Runs.Killed.class, trainer::fit);
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 99, 0f);
            new Trainer(lm, new StreamingBlocks(ShardedDataset.open(dir.resolve("data")), 9, 3, 4, 5),
                    config.toBuilder().resume(true).build(), killed).fit();
            assertArrayEquals(whole, Runs.weights(lm.model()), 0f);
        }
    }
}
