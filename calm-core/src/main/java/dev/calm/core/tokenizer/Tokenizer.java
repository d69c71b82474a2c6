/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import java.util.List;

/**
 * Text to token ids and back: the one tokenizer abstraction the rest of the library uses.
 *
 * <p>{@link #encode} adds no special tokens and never truncates or pads, whatever the length of the text, and
 * {@link #decode} is its exact inverse: {@code decode(encode(s)).equals(s)} for the byte-level tokenizers this
 * library trains (special tokens written literally in the text, such as {@code <|endoftext|>}, come back as
 * their text). Implementations hold a native handle, hence {@link AutoCloseable}.
 */
public interface Tokenizer extends AutoCloseable {

    /** The end-of-text token of the tokenizers this library trains; it has id 0 there. */
    String END_OF_TEXT = "<|endoftext|>";

    /**
     * @param text any text, of any length
     * @return its token ids, without special tokens added, truncation or padding
     */
    int[] encode(String text);

    /**
     * Encodes several texts; implementations may do so in parallel. Each result equals {@code encode(text)}.
     *
     * @param texts the texts to encode, any number (an empty list gives an empty array)
     * @return one id array per text, in order
     */
    default int[][] encodeBatch(List<String> texts) {
        int[][] out = new int[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = encode(texts.get(i));
        }
        return out;
    }

    /**
     * @param ids token ids, as produced by {@link #encode}
     * @return the text they stand for, special tokens kept as their text
     */
    String decode(int[] ids);

    /** @return the number of ids, special tokens included: every id is in {@code [0, vocabSize)} */
    int vocabSize();

    /** @return the end-of-text id, used as the document separator (0 for the tokenizers this library trains) */
    int eosId();

    /** @return a one-line description for logs: where the tokenizer came from and its size */
    default String describe() {
        return getClass().getSimpleName() + "(vocabSize=" + vocabSize() + ")";
    }

    /** Frees the native resources; the tokenizer cannot be used afterwards. */
    @Override
    void close();
}
