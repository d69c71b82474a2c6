/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of a Hugging Face {@code config.json}, read one at a time with the defaults of the class that wrote
 * them (a field {@code save_pretrained} left out because it had its default), each problem a one-line
 * {@link CalmException} naming the file and the field. Fields that do not change the computation
 * ({@code architectures}, {@code torch_dtype}, {@code initializer_range}, ...) are simply not read.
 */
public final class ConfigFields {

    private final Path file;
    private final ObjectNode json;

    /**
     * @param file the config file, for messages
     * @param json its content
     */
    public ConfigFields(Path file, ObjectNode json) {
        this.file = file;
        this.json = json;
    }

    /** @return the config file, for messages */
    public Path file() {
        return file;
    }

    /** @return a copy of the whole JSON object */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** @return the names of the fields present */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * @param name a field
     * @return whether the file has it with a non-null value
     */
    public boolean has(String name) {
        return json.hasNonNull(name);
    }

    /**
     * @param name an integer field
     * @param fallback its value when absent or null
     * @return its value
     */
    public int integer(String name, int fallback) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() && node.asDouble() != node.asInt()) {
            throw problem(name + " must be an integer, got " + node);
        }
        return node.asInt();
    }

    /**
     * @param name a number field
     * @param fallback its value when absent or null
     * @return its value
     */
    public double number(String name, double fallback) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber()) {
            throw problem(name + " must be a number, got " + node);
        }
        return node.asDouble();
    }

    /**
     * @param name a boolean field
     * @param fallback its value when absent or null
     * @return its value
     */
    public boolean bool(String name, boolean fallback) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw problem(name + " must be true or false, got " + node);
        }
        return node.booleanValue();
    }

    /**
     * @param name a string field
     * @param fallback its value when absent or null
     * @return its value
     */
    public String string(String name, String fallback) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw problem(name + " must be a string, got " + node);
        }
        return node.textValue();
    }

    /**
     * Checks a field whose other values this library does not implement.
     *
     * @param name the field
     * @param supported the only value supported, which is also its default; JSON null counts as absent
     * @param what what the field is, for the message, e.g. {@code "activation"}
     */
    public void require(String name, Object supported, String what) {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return;
        }
        boolean same = supported instanceof Boolean b ? node.isBoolean() && node.booleanValue() == b
                : supported instanceof Number n ? node.isNumber() && node.asDouble() == n.doubleValue()
                : node.isTextual() && node.textValue().equals(supported);
        if (!same) {
            throw problem(name + " " + node + " is not supported: this library implements " + what + " "
                    + (supported instanceof String ? "'" + supported + "'" : supported) + " only");
        }
    }

    /**
     * @param message what is wrong with the file
     * @return an exception naming the file
     */
    public CalmException problem(String message) {
        return new CalmException(file + ": " + message);
    }
}
