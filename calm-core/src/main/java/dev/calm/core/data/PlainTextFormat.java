/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Plain UTF-8 text. The rule: a whole file is one document, unless it contains form feeds ({@code \f}), in which
 * case every form-feed-separated page is a document with id {@code name#page} (pages counted from 1, blank pages
 * skipped but counted). Line endings {@code \r\n} and {@code \r} become {@code \n}; a leading byte-order mark is
 * dropped; nothing else changes. A directory of {@code .txt} files therefore gives one document per file.
 */
final class PlainTextFormat {

    private PlainTextFormat() {}

    /**
     * @param reader the text
     * @param id the id of the document (the file name, or its path relative to the corpus directory)
     * @param sink receives the documents
     * @throws IOException when reading fails
     */
    static void read(BufferedReader reader, String id, Consumer<Document> sink) throws IOException {
        StringBuilder all = new StringBuilder();
        char[] buffer = new char[1 << 16];
        for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
            all.append(buffer, 0, n);
        }
        split(all.toString(), id, sink);
    }

    /**
     * @param content a whole file's text
     * @param id the document's id
     * @param sink receives the file's document, or one per form-feed page
     */
    static void split(String content, String id, Consumer<Document> sink) {
        String text = content.replace("\r\n", "\n").replace('\r', '\n');
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.indexOf('\f') < 0) {
            sink.accept(new Document(id, text));
            return;
        }
        String[] pages = text.split("\f", -1);
        for (int i = 0; i < pages.length; i++) {
            sink.accept(new Document(id + "#" + (i + 1), pages[i]));
        }
    }
}
