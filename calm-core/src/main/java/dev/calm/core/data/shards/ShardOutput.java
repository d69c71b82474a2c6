/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Writes one shard ({@link ShardFormat}) to an output stream in a single pass, computing its CRC32C on the way.
 * It holds one 8-byte document end per document until {@link #finish()}; the token ids go straight to the stream.
 * The caller owns the stream (a temporary file that is renamed once finished, or a distributed file system's
 * stream), so a shard that was not finished never carries a shard's name.
 */
public final class ShardOutput {

    private static final int BUFFER_BYTES = 1 << 16;

    private final String name;
    private final OutputStream out;
    private final TokenizerIdentity tokenizer;
    private final int width;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long[] documentEnds = new long[1024];
    private long documents;
    private long tokens;
    private long bytes;
    private boolean finished;

    /**
     * Writes the header.
     *
     * @param name the shard's file name, for messages and its {@link ShardInfo}
     * @param out where the shard's bytes go
     * @param tokenizer the tokenizer of every document written
     */
    public ShardOutput(String name, OutputStream out, TokenizerIdentity tokenizer) {
        this.name = name;
        this.out = out;
        this.tokenizer = tokenizer;
        this.width = tokenizer.tokenBytes();
        buffer.put(ShardFormat.header(tokenizer));
    }

    /**
     * Appends a document: its ids, then the end-of-text id.
     *
     * @param ids the document's token ids, without the end-of-text id; each in [0, vocabSize)
     * @throws CalmException if an id is outside the vocabulary or the shard would outgrow one mapping
     */
    public void add(int[] ids) {
        if (finished) {
            throw new IllegalStateException("shard " + name + " is finished");
        }
        if ((tokens + ids.length + 1) * width > ShardFormat.MAX_TOKEN_BYTES) {
            throw new CalmException("shard " + name + " would exceed " + ShardFormat.MAX_TOKEN_BYTES + " bytes of token "
                    + "ids with its document " + (documents + 1) + " (" + ids.length + " tokens): use fewer shard tokens");
        }
        int vocab = tokenizer.vocabSize();
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new CalmException("token id " + id + " of document " + (documents + 1) + " in shard " + name
                        + " is outside the vocabulary of " + vocab);
            }
            putToken(id);
        }
        putToken(tokenizer.eosId());
        tokens += ids.length + 1;
        if (documents == documentEnds.length) {
            documentEnds = Arrays.copyOf(documentEnds, documentEnds.length * 2);
        }
        documentEnds[(int) documents++] = tokens;
    }

    private void putToken(int id) {
        if (buffer.remaining() < 4) {
            flush();
        }
        if (width == 2) {
            buffer.putShort((short) id);
        } else {
            buffer.putInt(id);
        }
    }

    /** @return documents added so far */
    public long documents() {
        return documents;
    }

    /** @return token ids added so far, end-of-text ids included */
    public long tokens() {
        return tokens;
    }

    /**
     * Writes the padding, the document ends and the footer, and flushes the stream (it is not closed).
     *
     * @return the shard's index entry
     * @throws CalmException if no document was added or the stream fails
     */
    public ShardInfo finish() {
        if (documents == 0) {
            throw new CalmException("shard " + name + " has no document");
        }
        long padding = ShardFormat.padded(tokens * width) - tokens * width;
        for (long i = 0; i < padding; i++) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            buffer.put((byte) 0);
        }
        for (long d = 0; d < documents; d++) {
            if (buffer.remaining() < 8) {
                flush();
            }
            buffer.putLong(documentEnds[(int) d]);
        }
        if (buffer.remaining() < ShardFormat.FOOTER_BYTES) {
            flush();
        }
        buffer.put(ShardFormat.footer(tokens, documents));
        flush();
        try {
            out.flush();
        } catch (IOException e) {
            throw new CalmException("cannot write shard " + name + ": " + e.getMessage(), e);
        }
        finished = true;
        return new ShardInfo(name, tokens, documents, bytes, String.format(Locale.ROOT, "%08x", crc.getValue()));
    }

    private void flush() {
        buffer.flip();
        crc.update(buffer.array(), 0, buffer.limit());
        try {
            out.write(buffer.array(), 0, buffer.limit());
        } catch (IOException e) {
            throw new CalmException("cannot write shard " + name + ": " + e.getMessage(), e);
        }
        bytes += buffer.limit();
        buffer.clear();
    }
}
