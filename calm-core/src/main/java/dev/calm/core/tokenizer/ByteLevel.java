/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 byte-level pre-tokenization, as Hugging Face's {@code ByteLevel} pre-tokenizer does it with
 * {@code use_regex: true} and {@code add_prefix_space: false}: the text is split by the GPT-2 regex, and each
 * piece's UTF-8 bytes are written as printable characters through the GPT-2 bytes-to-unicode table, so every
 * byte has a one-character token.
 */
public final class ByteLevel {

    /**
     * The GPT-2 split pattern. {@code UNICODE_CHARACTER_CLASS} makes {@code \s} the Unicode White_Space
     * property, as in the Oniguruma regex the Rust tokenizers use.
     */
    public static final Pattern SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] BYTE_TO_CHAR = new char[256];

    static {
        // printable Latin-1 bytes stand for themselves; the others are shifted to 256, 257, ... in byte order
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + shifted++);
        }
    }

    private ByteLevel() {}

    /**
     * @param b a byte value in {@code [0, 256)}
     * @return the character that stands for it
     */
    public static char byteToChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /**
     * @param text raw text
     * @return its UTF-8 bytes, one byte-level character each
     */
    public static String toByteChars(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Calls {@code sink} with each piece of the GPT-2 split of {@code text}, in order, as raw text.
     *
     * @param text raw text (without special tokens)
     * @param sink receives each non-empty piece
     */
    public static void forEachPiece(String text, Consumer<String> sink) {
        Matcher m = SPLIT.matcher(text);
        while (m.find()) {
            sink.accept(m.group());
        }
    }

    /**
     * @param text raw text (without special tokens)
     * @return the GPT-2 split of {@code text}, as raw text; the pieces concatenate back to {@code text}
     */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        forEachPiece(text, pieces::add);
        return pieces;
    }
}
