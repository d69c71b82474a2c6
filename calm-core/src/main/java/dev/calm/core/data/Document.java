/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;

/**
 * One document of a corpus: the unit that is kept whole when a corpus is split into training and validation.
 *
 * @param id a name for the document, unique within its corpus where the source provides one (a Brown file name
 *     such as {@code ca01}, a JSON {@code id} or {@code title}, or a line number)
 * @param text the document's text
 */
public record Document(String id, String text) {

    /**
     * Validates the fields.
     *
     * @param id the document's name, not blank
     * @param text its text, not null (may be empty)
     * @throws CalmException if the id is null or blank or the text is null
     */
    public Document {
        if (id == null || id.isBlank()) {
            throw new CalmException("document id must be a non-blank string, got " + (id == null ? "null" : "'" + id + "'"));
        }
        if (text == null) {
            throw new CalmException("document '" + id + "' has no text (null)");
        }
    }

    @Override
    public String toString() {
        return "Document[id=" + id + ", " + text.length() + " chars]";
    }
}
