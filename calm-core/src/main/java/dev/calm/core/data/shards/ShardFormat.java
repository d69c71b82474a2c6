/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import dev.calm.core.CalmException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The layout of one shard file, version 1. Every number is little-endian.
 *
 * <pre>
 * offset            size        field
 * 0                 8           magic "CALMTOK1"
 * 8                 4           format version, 1
 * 12                4           bytes per token id: 2 (uint16) or 4 (uint32)
 * 16                4           vocabulary size
 * 20                4           end-of-text id
 * 24                32          SHA-256 of the tokenizer.json that wrote the shard
 * 56                8           reserved, zero
 * 64                n * width   the token ids: each document's ids followed by the end-of-text id
 * ...               0..7        zero padding to a multiple of 8 bytes
 * ...               8 * d       document ends: for each document, the index (from the shard's first token) just
 *                               past its end-of-text id; strictly increasing, the last one is n
 * size - 24         8           n, the number of token ids (end-of-text ids included)
 * size - 16         8           d, the number of documents
 * size - 8          8           magic "CALMEND1"
 * </pre>
 *
 * The header is known before the first token and the counts after the last, so a shard is written in one
 * sequential pass (to a local file or any output stream) and a truncated shard has no footer. A shard's
 * CRC32C (over the whole file) is kept in the dataset's {@link ShardIndex}, not in the shard.
 */
public final class ShardFormat {

    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    /** Bytes before the first token id. */
    public static final int HEADER_BYTES = 64;
    /** Bytes after the last document end. */
    public static final int FOOTER_BYTES = 24;
    /** The largest token section a shard may hold, so that it maps into one buffer. */
    public static final long MAX_TOKEN_BYTES = Integer.MAX_VALUE - 7;

    private static final byte[] MAGIC = "CALMTOK1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_MAGIC = "CALMEND1".getBytes(StandardCharsets.US_ASCII);

    private ShardFormat() {}

    /**
     * The fields of a shard's header and footer.
     *
     * @param tokenizer the tokenizer the shard was written with
     * @param tokenBytes 2 or 4
     * @param tokens token ids in the shard
     * @param documents documents in the shard
     */
    public record Layout(TokenizerIdentity tokenizer, int tokenBytes, long tokens, long documents) {

        /** @return the byte offset of the document ends */
        public long documentEndsOffset() {
            return HEADER_BYTES + padded(tokens * tokenBytes);
        }

        /** @return the size of the whole file */
        public long fileBytes() {
            return documentEndsOffset() + 8 * documents + FOOTER_BYTES;
        }
    }

    /**
     * @param tokenizer the tokenizer the shard is written with
     * @return the 64 header bytes
     */
    static byte[] header(TokenizerIdentity tokenizer) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(tokenizer.tokenBytes()).putInt(tokenizer.vocabSize())
                .putInt(tokenizer.eosId()).put(HexFormat.of().parseHex(tokenizer.sha256())).putLong(0);
        return b.array();
    }

    /**
     * @param tokens token ids written
     * @param documents documents written
     * @return the 24 footer bytes
     */
    static byte[] footer(long tokens, long documents) {
        return ByteBuffer.allocate(FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(tokens).putLong(documents)
                .put(END_MAGIC).array();
    }

    /**
     * Decodes a shard's header and footer, checking that they are a shard's and agree with the file's size.
     *
     * @param name the shard, for messages
     * @param header its first {@value #HEADER_BYTES} bytes
     * @param footer its last {@value #FOOTER_BYTES} bytes
     * @param fileBytes its size
     * @return the layout
     * @throws CalmException naming the shard when it is not a shard, of another version, or truncated
     */
    static Layout read(String name, ByteBuffer header, ByteBuffer footer, long fileBytes) {
        header.order(ByteOrder.LITTLE_ENDIAN);
        footer.order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new CalmException("shard " + name + " is not a token shard (it does not start with CALMTOK1)");
        }
        int version = header.getInt(8);
        if (version != VERSION) {
            throw new CalmException("shard " + name + " has format version " + version + "; this library reads "
                    + VERSION);
        }
        byte[] end = new byte[END_MAGIC.length];
        footer.get(16, end);
        if (!Arrays.equals(end, END_MAGIC)) {
            throw new CalmException("shard " + name + " is truncated or was not finished: it does not end with the "
                    + "shard footer (" + fileBytes + " bytes)");
        }
        int width = header.getInt(12);
        if (width != 2 && width != 4) {
            throw new CalmException("shard " + name + " has " + width + " bytes per token id; expected 2 or 4");
        }
        byte[] hash = new byte[32];
        header.get(24, hash);
        TokenizerIdentity tokenizer;
        try {
            tokenizer = new TokenizerIdentity(HexFormat.of().formatHex(hash), header.getInt(16), header.getInt(20));
        } catch (CalmException e) {
            throw new CalmException("shard " + name + " has an invalid header: " + e.getMessage(), e);
        }
        if (tokenizer.tokenBytes() != width) {
            throw new CalmException("shard " + name + " stores " + width + " bytes per id for a vocabulary of "
                    + tokenizer.vocabSize() + "; expected " + tokenizer.tokenBytes());
        }
        long tokens = footer.getLong(0);
        long documents = footer.getLong(8);
        if (tokens < 0 || documents < 0 || documents > tokens || tokens * width > MAX_TOKEN_BYTES) {
            throw new CalmException("shard " + name + " has an invalid footer: " + tokens + " tokens, " + documents
                    + " documents");
        }
        Layout layout = new Layout(tokenizer, width, tokens, documents);
        if (layout.fileBytes() != fileBytes) {
            throw new CalmException("shard " + name + " is " + fileBytes + " bytes but its footer describes "
                    + layout.fileBytes() + " (" + tokens + " tokens, " + documents + " documents): it is damaged");
        }
        return layout;
    }

    /**
     * @param bytes a byte count
     * @return it rounded up to a multiple of 8
     */
    static long padded(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
