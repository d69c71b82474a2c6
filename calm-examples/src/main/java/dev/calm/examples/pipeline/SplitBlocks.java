/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.CalmException;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.training.BlockBatches;
import dev.calm.training.ShuffledBlocks;
import dev.calm.training.data.StreamingBlocks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One split of a corpus as the stages read it: blocks of a multiple of K tokens, either a corpus tokenised in
 * memory ({@link TokenBlocks}, the quickstart's) or a token stream read from disk (a {@code calm prepare} dataset,
 * memory-mapped, so that memory does not grow with the corpus). The stages train on {@link #batches} and evaluate
 * on {@link #sample}, which picks the same blocks from either kind ({@link TokenStore#sampleBlocks} ==
 * {@link TokenBlocks#sample}).
 */
public final class SplitBlocks {

    private final TokenBlocks memory; // or null
    private final TokenStore store; // or null
    private final int blockLength;
    private final int patchSize;

    private SplitBlocks(TokenBlocks memory, TokenStore store, int blockLength, int patchSize) {
        this.memory = memory;
        this.store = store;
        this.blockLength = blockLength;
        this.patchSize = patchSize;
    }

    /**
     * @param blocks a corpus tokenised in memory
     * @return the split, trained on in a seeded shuffle of its blocks ({@link ShuffledBlocks}), as before streaming
     *     existed: the quickstart's runs keep their trajectories
     */
    public static SplitBlocks of(TokenBlocks blocks) {
        return new SplitBlocks(blocks, null, blocks.blockLength(), 0);
    }

    /**
     * @param blocks corpora tokenised in memory, by name
     * @return the same, in the same order, as splits
     */
    public static Map<String, SplitBlocks> of(Map<String, TokenBlocks> blocks) {
        Map<String, SplitBlocks> out = new LinkedHashMap<>();
        blocks.forEach((name, b) -> out.put(name, of(b)));
        return out;
    }

    /**
     * @param store a token stream, for example a {@code ShardedDataset}
     * @param blockLength tokens per block, a positive multiple of {@code patchSize} ({@link StreamingBlocks} checks
     *     it)
     * @param patchSize K
     * @return the split, trained on through {@link StreamingBlocks}
     * @throws CalmException when the stream is shorter than one block
     */
    public static SplitBlocks streamed(TokenStore store, int blockLength, int patchSize) {
        if (store.numBlocks(blockLength) == 0) {
            throw new CalmException("the token stream has " + store.numTokens() + " tokens, fewer than one block of "
                    + blockLength);
        }
        return new SplitBlocks(null, store, blockLength, patchSize);
    }

    /** @return tokens per block */
    public int blockLength() {
        return blockLength;
    }

    /** @return whole blocks in the split */
    public long numBlocks() {
        return memory != null ? memory.numBlocks() : store.numBlocks(blockLength);
    }

    /** @return whether the split is read from disk rather than held in memory */
    public boolean isStreamed() {
        return store != null;
    }

    /**
     * @return the corpus in memory, for what counts over all of its tokens (the anchors of a mixture head), or null
     *     when the split is streamed
     */
    public TokenBlocks inMemory() {
        return memory;
    }

    /**
     * @return every token of the split, documents joined by end-of-text, for what counts over all of them (the
     *     reference samplers): read from memory or, for a streamed split, from disk
     */
    public TokenStore tokens() {
        return memory != null ? TokenStore.of(memory.tokens()) : store;
    }

    /**
     * Up to {@code maxBlocks} blocks spread evenly over the split, in order: the held-out blocks of an evaluation.
     *
     * @param maxBlocks the most blocks wanted, at least 1
     * @return copies of the blocks
     */
    public int[][] sample(int maxBlocks) {
        return memory != null ? memory.sample(maxBlocks) : store.sampleBlocks(blockLength, maxBlocks);
    }

    /**
     * The training batches: every block once per epoch, in a seeded order that changes every epoch; their position
     * is saved in checkpoints, so a resumed run sees the same batches.
     *
     * @param batchSize blocks per batch
     * @param seed the seed of the order
     * @return the batch source
     */
    public BlockBatches batches(int batchSize, long seed) {
        return memory != null ? new ShuffledBlocks(memory.toArray(), batchSize, seed)
                : new StreamingBlocks(store, blockLength, patchSize, batchSize, seed);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%,d blocks of %d tokens (%s)", numBlocks(), blockLength,
                memory != null ? "in memory" : "streamed from " + store);
    }
}
