/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import java.util.Random;

/** Random strings of valid Unicode mixing the scripts and spacing a byte-level tokenizer must survive. */
final class RandomText {

    private static final String[] WORDS = {"the", "The", "tokenizer", "isn't", "we'll", "they've", "I'm", "it's",
        "café", "naïve", "Ærøskøbing", "Straße", "日本語", "中文字符", "مرحبا", "بالعالم", "Привет", "λόγος",
        Tokenizer.END_OF_TEXT, "<|endoftext", "|>"};
    private static final String[] SPACES = {" ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n ", "\u00A0", "\u3000",
        "\u2003", " \t "};
    private static final String[] EMOJI = {"\uD83D\uDE00", "\uD83D\uDC4D\uD83C\uDFFD",
        "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\uD83C\uDDEB\uD83C\uDDF7", "\u2764\uFE0F",
        "\uD83E\uDDD1\u200D\uD83D\uDCBB", "e\u0301", "\uD800\uDC00"};
    private static final String PUNCT = ".,;:!?'\"()[]{}<>|/\\-_=+*&^%$#@~`";

    private final Random random;
    private final boolean anyCodePoint;

    /**
     * @param seed the seed
     * @param anyCodePoint also draw arbitrary code points (any plane, control characters, unassigned ones),
     *     never surrogates
     */
    RandomText(long seed, boolean anyCodePoint) {
        this.random = new Random(seed);
        this.anyCodePoint = anyCodePoint;
    }

    String next(int maxPieces) {
        StringBuilder sb = new StringBuilder();
        int pieces = random.nextInt(maxPieces + 1);
        for (int i = 0; i < pieces; i++) {
            int kind = random.nextInt(anyCodePoint ? 10 : 9);
            switch (kind) {
                case 0, 1 -> sb.append(WORDS[random.nextInt(WORDS.length)]);
                case 2 -> sb.append(SPACES[random.nextInt(SPACES.length)]);
                case 3 -> sb.append(random.nextInt(100000));
                case 4 -> sb.append(PUNCT.charAt(random.nextInt(PUNCT.length())));
                case 5 -> appendRange(sb, 0x00C0, 0x017F, 1 + random.nextInt(4)); // accented Latin
                case 6 -> appendRange(sb, 0x4E00, 0x9FFF, 1 + random.nextInt(4)); // CJK
                case 7 -> appendRange(sb, 0x0621, 0x064A, 1 + random.nextInt(6)); // Arabic letters
                case 8 -> sb.append(EMOJI[random.nextInt(EMOJI.length)]);
                default -> appendAny(sb);
            }
        }
        return sb.toString();
    }

    private void appendRange(StringBuilder sb, int low, int high, int n) {
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(low + random.nextInt(high - low + 1));
        }
    }

    private void appendAny(StringBuilder sb) {
        int cp;
        do {
            cp = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(Character.MAX_CODE_POINT + 1);
        } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
        sb.appendCodePoint(cp);
    }
}
