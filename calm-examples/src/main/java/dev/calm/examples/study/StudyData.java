/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import dev.calm.core.data.TokenBlocks;
import java.nio.IntBuffer;

/**
 * The corpus of a study, encoded: training and held-out blocks of one length (a multiple of every K studied),
 * and the training stream the reference samplers are counted on.
 *
 * @param name the corpus's name in reports
 * @param vocabSize the tokenizer's number of ids
 * @param train training blocks
 * @param heldOut held-out blocks
 * @param trainTokens the training split as one token stream
 */
public record StudyData(String name, int vocabSize, int[][] train, int[][] heldOut, IntBuffer trainTokens) {

    /**
     * @param name the corpus's name in reports
     * @param vocabSize the tokenizer's number of ids
     * @param train the encoded training split
     * @param heldOut the encoded held-out split
     * @return the data
     */
    public static StudyData of(String name, int vocabSize, TokenBlocks train, TokenBlocks heldOut) {
        return new StudyData(name, vocabSize, train.toArray(), heldOut.toArray(), train.tokens());
    }

    /** @return the training stream, read from its start */
    @Override
    public IntBuffer trainTokens() {
        return trainTokens.duplicate().rewind();
    }
}
