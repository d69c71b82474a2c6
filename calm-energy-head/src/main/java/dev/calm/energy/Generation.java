/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import dev.calm.core.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * The result of one {@link Generator#generate} call.
 *
 * @param prompt the prompt's token ids, as given
 * @param tokens the generated token ids, in order
 * @param steps autoregressive steps taken after the prompt (a CALM step yields K tokens)
 * @param seconds wall time of the whole call, prompt included
 */
public record Generation(long[] prompt, long[] tokens, int steps, double seconds) {

    /** Copies the arrays. */
    public Generation {
        prompt = prompt.clone();
        tokens = tokens.clone();
    }

    /** @return generated tokens per second of wall time */
    public double tokensPerSecond() {
        return tokens.length / Math.max(1e-9, seconds);
    }

    /**
     * @param eosId the end-of-text id
     * @return the generated tokens before the first end-of-text token
     */
    public long[] untilEndOfText(long eosId) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == eosId) {
                return Arrays.copyOf(tokens, i);
            }
        }
        return tokens.clone();
    }

    /**
     * @param tokenizer the tokenizer of the model
     * @return the new tokens up to the first end-of-text, as text
     */
    public String text(Tokenizer tokenizer) {
        return tokenizer.decode(Arrays.stream(untilEndOfText(tokenizer.eosId())).mapToInt(Math::toIntExact).toArray());
    }
}
