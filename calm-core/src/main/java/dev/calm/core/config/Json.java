/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads and writes configs and small state files as JSON. Reading is strict (unknown or missing fields are
 * errors) and every failure is a one-line {@link CalmException} naming the file and the field.
 */
public final class Json {

    /** The shared mapper: strict on input, indented on output. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {}

    /**
     * @param file a JSON file
     * @param type the record or class to read
     * @param <T> its type
     * @return the validated value
     */
    public static <T> T read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CalmException("file not found: " + file);
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, type, file.toString());
    }

    /**
     * @param json JSON text
     * @param type the record or class to read
     * @param source where the text came from, for messages
     * @param <T> its type
     * @return the validated value
     */
    public static <T> T parse(String json, Class<T> type, String source) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CalmException("malformed JSON in " + source + ": " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new CalmException("malformed JSON in " + source + ": expected an object of " + type.getSimpleName());
        }
        checkFieldNames((ObjectNode) tree, type, source);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CalmException("invalid " + type.getSimpleName() + " in " + source + ": " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new CalmException("invalid " + type.getSimpleName() + " in " + source + ": " + e.getOriginalMessage()
                    + " at " + path(e), e);
        } catch (JsonProcessingException e) {
            throw new CalmException(
                    "invalid " + type.getSimpleName() + " in " + source + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Unknown and missing fields, named before any value is converted. A record field added after files were
     * written declares its value for those files with {@code @JsonProperty(defaultValue = "...")} (a JSON
     * literal); a file without it reads as that value, so older run directories stay readable.
     */
    private static void checkFieldNames(ObjectNode tree, Class<?> type, String source) {
        BeanDescription bean = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type));
        Set<String> known = new TreeSet<>();
        bean.findProperties().forEach(p -> {
            known.add(p.getName());
            String fallback = p.getMetadata().getDefaultValue();
            if (type.isRecord() && fallback != null && !tree.has(p.getName())) {
                try {
                    tree.set(p.getName(), MAPPER.readTree(fallback));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("bad defaultValue of " + type.getSimpleName() + "." + p.getName(), e);
                }
            }
        });
        Set<String> present = new TreeSet<>();
        tree.fieldNames().forEachRemaining(present::add);
        for (String name : present) {
            if (!known.contains(name)) {
                throw new CalmException("unknown field '" + name + "' in " + source + " (known: "
                        + String.join(", ", known) + ")");
            }
        }
        if (type.isRecord()) {
            Set<String> missing = new TreeSet<>(known);
            missing.removeAll(present);
            if (!missing.isEmpty()) {
                throw new CalmException("missing field" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                        + " in " + source);
            }
        }
    }

    /**
     * @param value any record or bean
     * @return indented JSON
     */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes JSON atomically ({@link AtomicFiles}): to a temporary file in the same directory, then renamed over
     * {@code file}.
     *
     * @param file the target
     * @param value any record or bean
     */
    public static void write(Path file, Object value) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CalmException("cannot write " + file + ": " + AtomicFiles.describe(e), e);
        }
        AtomicFiles.writeString(file, toJson(value) + "\n");
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
