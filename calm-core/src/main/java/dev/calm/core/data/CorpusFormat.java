/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The corpus file formats {@link CorpusReader} understands, chosen by file name. Gzip compression is a property
 * of the file, not a format: {@code .gz} is stripped before the format is chosen, and gzip data is also recognised
 * by its magic bytes whatever the name.
 */
public enum CorpusFormat {

    /** JSON Lines: one object per line with a string {@code text} field ({@code .jsonl}, {@code .json}, {@code .ndjson}). */
    JSON_LINES,

    /** Plain UTF-8 text ({@code .txt}, {@code .text}): the whole file is one document, or one per form-feed page. */
    PLAIN_TEXT,

    /** A tar archive, usually gzipped ({@code .tgz}, {@code .tar.gz}, {@code .tar}), of the POS-tagged Brown corpus. */
    BROWN_TARBALL;

    /** The list of accepted names, for messages. */
    static final String ACCEPTED =
            ".jsonl, .json, .ndjson, .txt, .text (each optionally .gz), .tgz, .tar.gz, .tar, or a directory";

    /**
     * @param file a corpus file
     * @return its format, or {@code null} when the name has none of the known extensions
     */
    public static CorpusFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tgz") || name.endsWith(".tar.gz") || name.endsWith(".tar")) {
            return BROWN_TARBALL;
        }
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return JSON_LINES;
        }
        if (name.endsWith(".txt") || name.endsWith(".text")) {
            return PLAIN_TEXT;
        }
        return null;
    }
}
