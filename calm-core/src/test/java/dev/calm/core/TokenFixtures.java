/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Token ids for tests in every module (shipped in calm-core's test jar); the tiny models that read them are
 * {@code dev.calm.energy.EnergyFixtures}, in calm-energy-head's test jar, which sees the model classes.
 */
public final class TokenFixtures {

    private TokenFixtures() {}

    /**
     * Uniformly random token ids.
     *
     * @param manager owner of the result
     * @param seed the seed
     * @param batch rows
     * @param length tokens per row
     * @param vocab ids are drawn from [0, vocab)
     * @return INT64 [batch, length]
     */
    public static NDArray randomTokens(NDManager manager, long seed, int batch, int length, int vocab) {
        return manager.create(new Rng(seed).javaRandom().longs((long) batch * length, 0, vocab).toArray(),
                new Shape(batch, length));
    }

    /**
     * Blocks that count up from every start (mod vocab): a repetitive pattern a tiny model learns quickly.
     *
     * @param count number of blocks
     * @param length tokens per block
     * @param vocab vocabulary size
     * @return [count][length] ids, block b holding (b + i) mod vocab at position i
     */
    public static int[][] countingBlocks(int count, int length, int vocab) {
        int[][] blocks = new int[count][length];
        for (int b = 0; b < count; b++) {
            for (int i = 0; i < length; i++) {
                blocks[b][i] = (b + i) % vocab;
            }
        }
        return blocks;
    }
}
