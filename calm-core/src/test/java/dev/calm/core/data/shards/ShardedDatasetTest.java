/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.data.Document;
import dev.calm.core.data.TokenBlocks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shard format byte for byte, the shard rule, reading back, and every damaged dataset named. */
class ShardedDatasetTest {

    private static final TokenizerIdentity SMALL = new TokenizerIdentity(TokenizerIdentity.sha256(bytes("a")), 300, 0);
    private static final TokenizerIdentity OTHER = new TokenizerIdentity(TokenizerIdentity.sha256(bytes("b")), 300, 0);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Documents of seeded random lengths 0..max and ids in [1, vocab). */
    static List<int[]> documents(int n, int max, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> docs = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            int[] ids = new int[r.nextInt(max + 1)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 1 + r.nextInt(vocab - 1);
            }
            docs.add(ids);
        }
        return docs;
    }

    static ShardIndex write(Path dir, TokenizerIdentity tok, long shardTokens, List<int[]> docs) {
        try (ShardedDatasetWriter w = ShardedDatasetWriter.create(dir,
                new ShardedDatasetWriter.Settings(tok, shardTokens, "train", 0, 0), s -> { })) {
            docs.forEach(w::add);
            return w.finish();
        }
    }

    private static int[] stream(List<int[]> docs, int eos) {
        int n = docs.stream().mapToInt(d -> d.length + 1).sum();
        int[] out = new int[n];
        int at = 0;
        for (int[] d : docs) {
            System.arraycopy(d, 0, out, at, d.length);
            at += d.length;
            out[at++] = eos;
        }
        return out;
    }

    @Test
    void aShardHasTheDocumentedBytes(@TempDir Path dir) throws IOException {
        ShardIndex index = write(dir, SMALL, 1000, List.of(new int[] {5, 299}, new int[] {}, new int[] {7}));
        byte[] file = Files.readAllBytes(dir.resolve("shard-00000.bin"));
        // written by hand from the layout in ShardFormat's Javadoc
        ByteBuffer expected = ByteBuffer.allocate(64 + 16 + 3 * 8 + 24).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(bytes("CALMTOK1")).putInt(1).putInt(2).putInt(300).putInt(0)
                .put(HexFormat.of().parseHex(SMALL.sha256())).putLong(0);
        for (int id : new int[] {5, 299, 0, 0, 7, 0}) {
            expected.putShort((short) id);
        }
        expected.putInt(0); // 12 bytes of ids padded to 16
        expected.putLong(3).putLong(4).putLong(6);
        expected.putLong(6).putLong(3).put(bytes("CALMEND1"));
        assertArrayEquals(expected.array(), file);
        CRC32C crc = new CRC32C();
        crc.update(file);
        assertEquals(new ShardInfo("shard-00000.bin", 6, 3, file.length, String.format("%08x", crc.getValue())),
                index.shards().get(0));
        assertEquals(6, index.tokens());
        assertEquals(3, index.documents());
    }

    @Test
    void shardsStartWhereADocumentCrossesAMultipleOfTheShardSize(@TempDir Path dir) {
        // stream offsets of the documents' starts: 0, 4, 6, 16, 17, 30 (lengths with end-of-text 4, 2, 10, 1, 13, 2)
        List<int[]> docs = List.of(new int[3], new int[1], new int[9], new int[0], new int[12], new int[1]);
        docs.forEach(d -> java.util.Arrays.fill(d, 3));
        ShardIndex index = write(dir, SMALL, 5, docs);
        // keys start / 5: 0, 0, 1, 3, 3, 6 -> shards {0, 1}, {2}, {3, 4}, {5}; key 2, 4 and 5 hold no start
        assertEquals(List.of(2L, 1L, 2L, 1L), index.shards().stream().map(ShardInfo::documents).toList());
        assertEquals(List.of(6L, 10L, 14L, 2L), index.shards().stream().map(ShardInfo::tokens).toList());
        ShardedDataset ds = ShardedDataset.open(dir);
        assertArrayEquals(new long[] {1, 14}, ds.documentEnds(2));
    }

    @Test
    void readsBackTheStreamAcrossShardsAndEqualsTokenBlocks(@TempDir Path dir) {
        List<int[]> docs = documents(200, 40, 300, 1);
        write(dir, SMALL, 97, docs);
        ShardedDataset ds = ShardedDataset.open(dir);
        int[] want = stream(docs, 0);
        assertEquals(want.length, ds.numTokens());
        assertEquals(200, ds.numDocuments());
        assertTrue(ds.index().shards().size() > 20, "many shards: " + ds.index().shards().size());
        int[] all = new int[want.length];
        ds.read(0, all, 0, all.length);
        assertArrayEquals(want, all);
        int[] some = new int[50];
        ds.read(90, some, 0, 50); // across the first shard boundary
        assertArrayEquals(java.util.Arrays.copyOfRange(want, 90, 140), some);
        // the same documents through TokenBlocks give the same blocks
        List<Document> texts = new ArrayList<>();
        Map<String, int[]> byText = new TreeMap<>();
        for (int d = 0; d < docs.size(); d++) {
            texts.add(new Document("d" + d, "text " + d));
            byText.put("text " + d, docs.get(d));
        }
        TokenBlocks blocks = TokenBlocks.encode(texts, byText::get, 0, 32, 4);
        int[][] mine = ds.sampleBlocks(32, Integer.MAX_VALUE);
        assertEquals(blocks.numBlocks(), mine.length);
        for (int b = 0; b < mine.length; b++) {
            assertArrayEquals(blocks.block(b), mine[b], "block " + b);
        }
        int[][] memory = TokenStore.of(blocks.tokens()).sampleBlocks(32, 7);
        int[][] disk = ds.sampleBlocks(32, 7);
        assertArrayEquals(blocks.sample(7), memory);
        assertArrayEquals(blocks.sample(7), disk);
    }

    @Test
    void aLargeVocabularyIsStoredAsUint32(@TempDir Path dir) {
        TokenizerIdentity big = new TokenizerIdentity(SMALL.sha256(), 128_256, 128_001);
        List<int[]> docs = documents(20, 30, 128_256, 2);
        ShardIndex index = write(dir, big, 50, docs);
        assertEquals(4, index.tokenBytes());
        ShardedDataset ds = ShardedDataset.open(dir);
        int[] all = new int[(int) ds.numTokens()];
        ds.read(0, all, 0, all.length);
        assertArrayEquals(stream(docs, 128_001), all);
        assertThrows(CalmException.class, () -> write(dir.resolve("bad"), SMALL, 50, List.of(new int[] {300})),
                "an id outside the vocabulary");
    }

    @Test
    void anInterruptedWriterResumesToTheSameBytes(@TempDir Path dir) throws IOException {
        List<int[]> docs = documents(120, 30, 300, 3);
        write(dir.resolve("whole"), SMALL, 100, docs);
        Path cut = dir.resolve("cut");
        ShardedDatasetWriter.Settings settings = new ShardedDatasetWriter.Settings(SMALL, 100, "train", 0, 0);
        List<ShardInfo> finished = new ArrayList<>();
        int[] resumeAt = new int[1];
        int[] at = new int[1];
        try (ShardedDatasetWriter w = ShardedDatasetWriter.create(cut, settings, s -> {
            finished.add(s);
            resumeAt[0] = at[0];
        })) {
            for (at[0] = 0; at[0] < 70; at[0]++) {
                w.add(docs.get(at[0]));
            }
            // a crash: the open shard is abandoned (its temporary file deleted), no index is written
        }
        assertFalse(ShardIndex.exists(cut));
        assertThrows(CalmException.class, () -> ShardedDataset.open(cut));
        try (ShardedDatasetWriter w = ShardedDatasetWriter.resume(cut, settings, finished, s -> { })) {
            for (int d = resumeAt[0]; d < docs.size(); d++) {
                w.add(docs.get(d));
            }
            w.finish();
        }
        assertDirectoriesEqual(dir.resolve("whole"), cut);
    }

    static void assertDirectoriesEqual(Path a, Path b) throws IOException {
        ShardTestFiles.assertDirectoriesEqual(a, b);
    }

    @Test
    void aTruncatedShardIsNamed(@TempDir Path dir) throws IOException {
        write(dir, SMALL, 50, documents(30, 20, 300, 4));
        Path shard = dir.resolve("shard-00001.bin");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        CalmException e = assertThrows(CalmException.class, () -> ShardedDataset.open(dir));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aShardFromAnotherTokenizerIsNamed(@TempDir Path dir) throws IOException {
        List<int[]> docs = documents(30, 20, 300, 5);
        write(dir.resolve("mine"), SMALL, 50, docs);
        write(dir.resolve("theirs"), OTHER, 50, docs);
        Path shard = dir.resolve("mine/shard-00001.bin");
        Files.copy(dir.resolve("theirs/shard-00001.bin"), shard, StandardCopyOption.REPLACE_EXISTING);
        CalmException e = assertThrows(CalmException.class, () -> ShardedDataset.open(dir.resolve("mine")));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("another tokenizer"),
                e.getMessage());
        // and a whole dataset of another tokenizer is refused by the tokenizer in use
        ShardedDataset theirs = ShardedDataset.open(dir.resolve("theirs"));
        CalmException refused = assertThrows(CalmException.class, () -> theirs.requireTokenizer(SMALL, "tok.json"));
        assertTrue(refused.getMessage().contains("another tokenizer than tok.json"), refused.getMessage());
        TokenizerIdentity otherVocab = new TokenizerIdentity(OTHER.sha256(), 301, 0);
        assertThrows(CalmException.class, () -> theirs.requireTokenizer(otherVocab, "tok.json"));
        theirs.requireTokenizer(OTHER, "tok.json");
    }

    @Test
    void aCorruptByteFailsTheChecksumUnlessOnlyHeadersAreChecked(@TempDir Path dir) throws IOException {
        write(dir, SMALL, 50, documents(30, 20, 300, 6));
        Path shard = dir.resolve("shard-00002.bin");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.seek(70);
            int b = f.read();
            f.seek(70);
            f.write(b ^ 1);
        }
        CalmException e = assertThrows(CalmException.class, () -> ShardedDataset.open(dir));
        assertTrue(e.getMessage().contains(shard.toString()) && e.getMessage().contains("CRC32C"), e.getMessage());
        ShardedDataset.open(dir, ShardedDataset.Verification.HEADERS); // sizes and headers still agree
    }

    @Test
    void anIndexThatDisagreesWithItsShardsIsNamed(@TempDir Path dir) throws IOException {
        ShardIndex index = write(dir, SMALL, 50, documents(30, 20, 300, 7));
        List<ShardInfo> shards = new ArrayList<>(index.shards());
        ShardInfo s = shards.get(1);
        shards.set(1, new ShardInfo(s.file(), s.tokens() + 1, s.documents(), s.bytes(), s.crc32c()));
        new ShardIndex(index.format(), index.version(), index.tokenizer(), index.tokenBytes(), index.shardTokens(),
                index.split(), index.validationFraction(), index.seed(), index.tokens() + 1, index.documents(), shards)
                .write(dir);
        CalmException e = assertThrows(CalmException.class, () -> ShardedDataset.open(dir));
        assertTrue(e.getMessage().contains("disagrees with shard " + dir.resolve(s.file())), e.getMessage());

        Files.writeString(dir.resolve(ShardIndex.FILE), Json.toJson(index).replace("\"tokens\" : " + index.tokens(),
                "\"tokens\" : " + (index.tokens() + 5)));
        CalmException sums = assertThrows(CalmException.class, () -> ShardedDataset.open(dir));
        assertTrue(sums.getMessage().contains("but the shards hold"), sums.getMessage());

        index.write(dir);
        Files.delete(dir.resolve("shard-00003.bin"));
        CalmException missing = assertThrows(CalmException.class, () -> ShardedDataset.open(dir));
        assertTrue(missing.getMessage().contains("shard-00003.bin") && missing.getMessage().contains("missing"),
                missing.getMessage());

        Files.delete(dir.resolve(ShardIndex.FILE));
        CalmException none = assertThrows(CalmException.class, () -> ShardedDataset.open(dir));
        assertTrue(none.getMessage().contains("has no index.json"), none.getMessage());
    }

    @Test
    void anEmptyDatasetIsRefusedAndLeavesNothing(@TempDir Path dir) {
        Path d = dir.resolve("empty");
        CalmException e = assertThrows(CalmException.class, () -> write(d, SMALL, 50, List.of()));
        assertTrue(e.getMessage().contains("no documents"), e.getMessage());
        assertFalse(ShardIndex.exists(d));
    }

    @Test
    void anInMemoryStoreReadsItsBuffer() {
        TokenStore store = TokenStore.of(IntBuffer.wrap(new int[] {1, 2, 3, 4, 5}));
        int[] out = new int[3];
        store.read(2, out, 0, 3);
        assertArrayEquals(new int[] {3, 4, 5}, out);
        assertEquals(2, store.numBlocks(2));
        assertThrows(IndexOutOfBoundsException.class, () -> store.read(4, out, 0, 2));
    }
}
