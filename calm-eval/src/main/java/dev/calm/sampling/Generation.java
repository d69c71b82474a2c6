/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import dev.calm.core.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * One generated sequence.
 *
 * @param prompt the prompt's token ids, as given
 * @param tokens the generated token ids, in order, without the end-of-text token that ended them
 * @param endOfText whether generation stopped at an end-of-text token
 */
public record Generation(long[] prompt, long[] tokens, boolean endOfText) {

    /**
     * Copies the arrays.
     *
     * @param prompt the prompt's ids (copied)
     * @param tokens the generated ids (copied)
     * @param endOfText whether an end-of-text token ended the sequence
     */
    public Generation {
        prompt = prompt.clone();
        tokens = tokens.clone();
    }

    /**
     * @param tokenizer the tokenizer of the model
     * @return the generated tokens as text
     */
    public String text(Tokenizer tokenizer) {
        return tokenizer.decode(Arrays.stream(tokens).mapToInt(Math::toIntExact).toArray());
    }
}
