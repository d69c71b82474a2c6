/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.calm.core.CalmException;
import dev.calm.core.SharedData;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenBlocksTest {

    /** A byte-level encoder: one token per UTF-8 byte, ids 0-255; 256 is the end-of-sequence id. */
    static final Function<String, int[]> BYTES = text -> {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    };
    static final int EOS = 256;

    @Test
    void handComputedBlocks() {
        // stream: a b EOS c d e EOS é(2 bytes) EOS = 10 tokens; blocks of 4 keep 8, drop 2
        List<Document> documents = List.of(new Document("1", "ab"), new Document("2", "cde"), new Document("3", "é"));
        TokenBlocks blocks = TokenBlocks.encode(documents, BYTES, EOS, 4, 2);
        assertEquals(2, blocks.numBlocks());
        assertArrayEquals(new int[] {'a', 'b', EOS, 'c'}, blocks.block(0));
        assertArrayEquals(new int[] {'d', 'e', EOS, 0xC3}, blocks.block(1));
        assertEquals(10, blocks.numTokens());
        assertEquals(2, blocks.droppedTokens());
        assertEquals(7, blocks.textBytes());
        assertEquals(new CorpusStats(3, 6, 7, 7), blocks.stats());
        assertEquals(1.0, blocks.stats().bytesPerToken());
        IntBuffer all = blocks.tokens();
        assertEquals(8, all.remaining());
        assertEquals(0xC3, all.get(7));
        assertThrows(IndexOutOfBoundsException.class, () -> blocks.block(2));
    }

    @Test
    void everyBlockIsAMultipleOfKAndTokensKeepTheirOrder() {
        List<Document> documents = CorpusReader.read(SharedData.require("wikitext103-test.jsonl"));
        assertEquals(62, blocksFollowTheStream(documents).stats().documents());
    }

    @Test
    void everyBlockOfAGeneratedCorpusIsAMultipleOfKAndTokensKeepTheirOrder() {
        List<Document> documents = TinyCorpus.sentences(300, 5).documents();
        assertEquals(300, blocksFollowTheStream(documents).stats().documents());
    }

    /**
     * Encodes the documents byte by byte into blocks of 64 chunks of K = 4 and checks them against the stream of
     * every document followed by end-of-text: whole blocks in order, the rest dropped.
     */
    private static TokenBlocks blocksFollowTheStream(List<Document> documents) {
        int k = 4;
        int length = 64 * k;
        TokenBlocks blocks = TokenBlocks.encode(documents, BYTES, EOS, length, k);
        int[] stream = new int[(int) blocks.numTokens()];
        int at = 0;
        for (Document document : documents) {
            for (int id : BYTES.apply(document.text())) {
                stream[at++] = id;
            }
            stream[at++] = EOS;
        }
        assertEquals(stream.length, at);
        assertEquals(stream.length / length, blocks.numBlocks());
        assertEquals(stream.length % length, blocks.droppedTokens());
        for (int b = 0; b < blocks.numBlocks(); b++) {
            int[] block = blocks.block(b);
            assertEquals(length, block.length);
            assertEquals(0, block.length % k);
            for (int i = 0; i < length; i++) {
                if (block[i] != stream[b * length + i]) {
                    throw new AssertionError("block " + b + " position " + i + " differs from the stream");
                }
            }
        }
        // a byte-level encoder makes text bytes and tokens equal
        assertEquals(blocks.stats().bytes(), blocks.stats().tokens());
        return blocks;
    }

    @Test
    void parallelEncodingGivesTheSameBlocks() {
        parallelEncodingGivesTheSameBlocks(CorpusReader.read(SharedData.require("wikitext103-test.jsonl")));
    }

    @Test
    void parallelEncodingOfAGeneratedCorpusGivesTheSameBlocks() {
        parallelEncodingGivesTheSameBlocks(TinyCorpus.sentences(300, 5).documents());
    }

    private static void parallelEncodingGivesTheSameBlocks(List<Document> documents) {
        TokenBlocks one = TokenBlocks.encode(documents, BYTES, EOS, 128, 4, 1);
        TokenBlocks two = TokenBlocks.encode(documents, BYTES, EOS, 128, 4, 2);
        assertEquals(one.tokens(), two.tokens());
        assertEquals(one.stats(), two.stats());
    }

    @Test
    void rejectsBadShapesAndEncoders() {
        List<Document> documents = List.of(new Document("1", "abcdefgh"));
        assertEquals("block length must be a positive multiple of the patch size K = 4, got 30",
                assertThrows(CalmException.class, () -> TokenBlocks.encode(documents, BYTES, EOS, 30, 4)).getMessage());
        assertThrows(CalmException.class, () -> TokenBlocks.encode(documents, BYTES, EOS, 0, 4));
        assertThrows(CalmException.class, () -> TokenBlocks.encode(documents, BYTES, EOS, 8, 0));
        assertThrows(CalmException.class, () -> TokenBlocks.encode(documents, BYTES, -1, 8, 4));
        assertThrows(CalmException.class, () -> TokenBlocks.encode(List.of(), BYTES, EOS, 8, 4));
        assertEquals("corpus too small: 9 tokens with separators, fewer than one block of 12",
                assertThrows(CalmException.class, () -> TokenBlocks.encode(documents, BYTES, EOS, 12, 4)).getMessage());
        assertEquals("the encoder returned the negative id -3 for document 1", assertThrows(CalmException.class,
                () -> TokenBlocks.encode(documents, t -> new int[] {-3}, EOS, 4, 4)).getMessage());
        assertEquals("the encoder returned null for document 1", assertThrows(CalmException.class,
                () -> TokenBlocks.encode(documents, t -> null, EOS, 4, 4, 2)).getMessage());
    }
}
