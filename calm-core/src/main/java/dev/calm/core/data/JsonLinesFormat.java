/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calm.core.CalmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * JSON Lines: one JSON object per line with a string field {@code text}. The document id is the {@code id}
 * field (string or number) if present, else the {@code title} field, else the 1-based line number. Blank lines
 * are skipped. This is the format of the reference implementation's {@code wikitext_document_level-test.json}.
 */
final class JsonLinesFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLinesFormat() {}

    /**
     * @param file the file, for messages
     * @param reader its text
     * @param idPrefix prepended to every id
     * @param sink receives the documents in file order
     * @throws IOException when reading fails
     */
    static void read(Path file, BufferedReader reader, String idPrefix, Consumer<Document> sink) throws IOException {
        long lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            sink.accept(parse(file, lineNumber, line, idPrefix));
        }
    }

    private static Document parse(Path file, long lineNumber, String line, String idPrefix) {
        return parse(file + " line " + lineNumber, idPrefix, Long.toString(lineNumber), line);
    }

    /**
     * @param where the file and line, for messages
     * @param fallbackId the id when the object has neither {@code id} nor {@code title}
     * @param line the line
     * @return its document
     */
    static Document parse(String where, String fallbackId, String line) {
        return parse(where, "", fallbackId, line);
    }

    private static Document parse(String where, String idPrefix, String fallbackId, String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CalmException("malformed JSON in " + where + ": " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            String got = node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
            throw new CalmException("expected one JSON object per line in " + where + ", got " + got);
        }
        JsonNode text = node.get("text");
        if (text == null) {
            List<String> fields = new ArrayList<>();
            node.fieldNames().forEachRemaining(fields::add);
            throw new CalmException("no \"text\" field in " + where + " (fields: " + String.join(", ", fields) + ")");
        }
        if (!text.isTextual()) {
            throw new CalmException("\"text\" must be a string in " + where + ", got "
                    + text.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return new Document(idPrefix + id(node, fallbackId), text.textValue());
    }

    private static String id(JsonNode node, String fallbackId) {
        for (String field : new String[] {"id", "title"}) {
            JsonNode value = node.get(field);
            if (value != null && (value.isTextual() || value.isNumber()) && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        return fallbackId;
    }
}
