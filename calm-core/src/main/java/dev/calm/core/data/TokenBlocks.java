/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A corpus as fixed-length blocks of token ids, the training examples of both the autoencoder and the language
 * model. Every document is encoded, followed by the end-of-sequence id as a separator; the encodings are
 * concatenated in document order and cut into consecutive blocks of {@code blockLength} tokens, dropping the
 * ragged tail (as the reference implementation's {@code group_texts} does). Blocks may span documents.
 * {@code blockLength} must be a multiple of the patch size K, so that a block is a whole number of K-token
 * chunks.
 *
 * <p>The blocks are held in one compact {@code int[]} of {@code numBlocks() * blockLength()} ids.
 */
public final class TokenBlocks {

    /** Leaves room below the JVM's array size limit. */
    private static final long MAX_TOKENS = Integer.MAX_VALUE - 16;

    private final int[] tokens; // [numBlocks * blockLength]
    private final int blockLength;
    private final long numTokens;
    private final CorpusStats stats;

    private TokenBlocks(int[] tokens, int blockLength, long numTokens, CorpusStats stats) {
        this.tokens = tokens;
        this.blockLength = blockLength;
        this.numTokens = numTokens;
        this.stats = stats;
    }

    /**
     * Encodes on the calling thread.
     *
     * @param documents the documents, in order
     * @param encoder text to token ids, for example {@code tokenizer::encode}
     * @param eosId the end-of-sequence id appended to every document
     * @param blockLength tokens per block, a multiple of {@code patchSize}
     * @param patchSize the chunk size K
     * @return the blocks
     */
    public static TokenBlocks encode(List<Document> documents, Function<String, int[]> encoder, int eosId,
            int blockLength, int patchSize) {
        return encode(documents, encoder, eosId, blockLength, patchSize, 1);
    }

    /**
     * Encodes documents on {@code threads} threads. The result does not depend on the number of threads, but the
     * encoder must then be safe to call concurrently.
     *
     * @param documents the documents, in order
     * @param encoder text to token ids, for example {@code tokenizer::encode}
     * @param eosId the end-of-sequence id appended to every document
     * @param blockLength tokens per block, a multiple of {@code patchSize}
     * @param patchSize the chunk size K
     * @param threads encoding threads, at least 1
     * @return the blocks
     */
    public static TokenBlocks encode(List<Document> documents, Function<String, int[]> encoder, int eosId,
            int blockLength, int patchSize, int threads) {
        if (patchSize <= 0) {
            throw new CalmException("patch size K must be > 0, got " + patchSize);
        }
        if (blockLength <= 0 || blockLength % patchSize != 0) {
            throw new CalmException("block length must be a positive multiple of the patch size K = " + patchSize
                    + ", got " + blockLength);
        }
        if (eosId < 0) {
            throw new CalmException("end-of-sequence id must be >= 0, got " + eosId);
        }
        if (threads < 1) {
            throw new CalmException("encoding threads must be >= 1, got " + threads);
        }
        if (documents.isEmpty()) {
            throw new CalmException("no documents to encode");
        }
        int[][] encoded = encodeAll(documents, encoder, threads);
        long numTokens = 0;
        for (int[] ids : encoded) {
            numTokens += ids.length + 1L;
        }
        long kept = numTokens / blockLength * blockLength;
        if (kept == 0) {
            throw new CalmException("corpus too small: " + numTokens + " tokens with separators, fewer than one block of "
                    + blockLength);
        }
        if (kept > MAX_TOKENS) {
            throw new CalmException("corpus too large: " + numTokens + " tokens do not fit one array; split the corpus");
        }
        int[] tokens = new int[(int) kept]; // [numBlocks * blockLength]
        int at = 0;
        for (int d = 0; d < encoded.length && at < kept; d++) {
            int[] ids = encoded[d];
            int n = (int) Math.min(ids.length, kept - at);
            System.arraycopy(ids, 0, tokens, at, n);
            at += n;
            if (at < kept) {
                tokens[at++] = eosId;
            }
        }
        CorpusStats stats = CorpusStats.of(documents).withTokens(numTokens - documents.size());
        return new TokenBlocks(tokens, blockLength, numTokens, stats);
    }

    private static int[][] encodeAll(List<Document> documents, Function<String, int[]> encoder, int threads) {
        int[][] encoded = new int[documents.size()][];
        if (threads == 1) {
            for (int d = 0; d < encoded.length; d++) {
                encoded[d] = checked(documents.get(d), encoder);
            }
            return encoded;
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> IntStream.range(0, encoded.length).parallel()
                    .forEach(d -> encoded[d] = checked(documents.get(d), encoder))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CalmException("interrupted while encoding documents", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new CalmException("encoding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdown();
        }
        return encoded;
    }

    private static int[] checked(Document document, Function<String, int[]> encoder) {
        int[] ids = encoder.apply(document.text());
        if (ids == null) {
            throw new CalmException("the encoder returned null for document " + document.id());
        }
        for (int id : ids) {
            if (id < 0) {
                throw new CalmException("the encoder returned the negative id " + id + " for document " + document.id());
            }
        }
        return ids;
    }

    /** @return tokens per block, a multiple of the patch size */
    public int blockLength() {
        return blockLength;
    }

    /** @return the number of blocks */
    public int numBlocks() {
        return tokens.length / blockLength;
    }

    /**
     * @param i a block index in {@code [0, numBlocks())}
     * @return a copy of its {@code blockLength()} token ids
     */
    public int[] block(int i) {
        if (i < 0 || i >= numBlocks()) {
            throw new IndexOutOfBoundsException("block " + i + " of " + numBlocks());
        }
        return Arrays.copyOfRange(tokens, i * blockLength, (i + 1) * blockLength);
    }

    /** @return a copy of every block, {@code [numBlocks()][blockLength()]} */
    public int[][] toArray() {
        return sample(numBlocks());
    }

    /**
     * Up to {@code maxBlocks} blocks spread evenly over the corpus (block {@code i * numBlocks() / n} for
     * {@code i < n}), for evaluating on a budget without favouring its first documents.
     *
     * @param maxBlocks the most blocks wanted, at least 1
     * @return copies of {@code min(maxBlocks, numBlocks())} blocks, in corpus order
     */
    public int[][] sample(int maxBlocks) {
        if (maxBlocks < 1) {
            throw new CalmException("need at least 1 block, got " + maxBlocks);
        }
        int n = Math.min(maxBlocks, numBlocks());
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
            out[i] = block((int) ((long) i * numBlocks() / n));
        }
        return out;
    }

    /** @return all blocks as one read-only buffer of {@code numBlocks() * blockLength()} ids, block after block */
    public IntBuffer tokens() {
        return IntBuffer.wrap(tokens).asReadOnlyBuffer();
    }

    /** @return tokens in the encoded stream, end-of-sequence separators included, before the tail was dropped */
    public long numTokens() {
        return numTokens;
    }

    /** @return tokens of the ragged tail that fill no whole block, in {@code [0, blockLength())} */
    public long droppedTokens() {
        return numTokens - tokens.length;
    }

    /** @return UTF-8 bytes of all text encoded */
    public long textBytes() {
        return stats.bytes();
    }

    /** @return documents, characters, bytes and text tokens (separators not counted) of the encoded corpus */
    public CorpusStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "TokenBlocks[" + numBlocks() + " blocks of " + blockLength + ", " + stats + "]";
    }
}
