/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.util.List;
import java.util.Locale;

/**
 * Size figures of a corpus, for logs and the command line.
 *
 * @param documents number of documents
 * @param characters Unicode code points of text
 * @param bytes UTF-8 bytes of text
 * @param tokens tokens of text, not counting the end-of-sequence separators between documents (0 before encoding)
 */
public record CorpusStats(long documents, long characters, long bytes, long tokens) {

    /**
     * Validates the counts.
     *
     * @param documents number of documents, &gt;= 0
     * @param characters Unicode code points, &gt;= 0
     * @param bytes UTF-8 bytes, &gt;= 0
     * @param tokens tokens without the separators, &gt;= 0
     * @throws CalmException if a count is negative
     */
    public CorpusStats {
        if (documents < 0 || characters < 0 || bytes < 0 || tokens < 0) {
            throw new CalmException("corpus statistics must be >= 0, got documents=" + documents + ", characters="
                    + characters + ", bytes=" + bytes + ", tokens=" + tokens);
        }
    }

    /**
     * @param documents documents, not yet encoded
     * @return their counts, with {@code tokens = 0}
     */
    public static CorpusStats of(List<Document> documents) {
        long characters = 0;
        long bytes = 0;
        for (Document document : documents) {
            characters += document.text().codePointCount(0, document.text().length());
            bytes += utf8Length(document.text());
        }
        return new CorpusStats(documents.size(), characters, bytes, 0);
    }

    /**
     * @param text any text
     * @return its length in UTF-8 bytes, without encoding it
     */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // BMP character, or a lone surrogate that UTF-8 encoding replaces by '?'
            }
        }
        return bytes;
    }

    /**
     * @param tokens the number of text tokens
     * @return these statistics with the token count set
     */
    public CorpusStats withTokens(long tokens) {
        return new CorpusStats(documents, characters, bytes, tokens);
    }

    /** @return UTF-8 bytes per token, the tokenizer's compression; NaN before encoding */
    public double bytesPerToken() {
        return tokens == 0 ? Double.NaN : (double) bytes / tokens;
    }

    /** @return for example {@code 500 documents, 5,700,000 characters, 5,700,000 bytes, 1,400,000 tokens, 4.07 bytes/token} */
    @Override
    public String toString() {
        String text = String.format(Locale.ROOT, "%,d document%s, %,d characters, %,d bytes", documents,
                documents == 1 ? "" : "s", characters, bytes);
        if (tokens == 0) {
            return text;
        }
        return text + String.format(Locale.ROOT, ", %,d tokens, %.2f bytes/token", tokens, bytesPerToken());
    }
}
