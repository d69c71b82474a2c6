/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code config.json} saved beside a model's weights: the model's config, with the model's type first under
 * {@code model_type} (as in Hugging Face configs), so that a loader pointed at another model's files says so
 * ("... is a baseline checkpoint, expected calm") instead of failing on a field name. A file from before the
 * type was recorded is read as the expected type.
 */
public final class ModelConfigFile {

    /** The file's name in a model's directory. */
    public static final String NAME = "config.json";
    /** The field that records the model's type. */
    public static final String TYPE = "model_type";

    private ModelConfigFile() {}

    /**
     * Writes {@code dir/config.json} atomically.
     *
     * @param dir the model's directory
     * @param type the model's type: {@value RunModels#CALM}, {@value RunModels#BASELINE} or
     *     {@value RunModels#AUTOENCODER}
     * @param config the model's config record
     */
    public static void write(Path dir, String type, Object config) {
        ObjectNode node = Json.MAPPER.createObjectNode().put(TYPE, type);
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(config));
        Json.write(dir.resolve(NAME), node);
    }

    /**
     * Reads {@code dir/config.json}, checking the recorded type.
     *
     * @param dir the model's directory
     * @param type the expected model type
     * @param configType the config record
     * @param <T> its type
     * @return the config
     */
    public static <T> T read(Path dir, String type, Class<T> configType) {
        Path file = dir.resolve(NAME);
        ObjectNode tree = tree(file);
        JsonNode recorded = tree.remove(TYPE);
        if (recorded != null && !recorded.asText().equals(type)) {
            throw new CalmException(file + " is " + article(recorded.asText()) + " " + recorded.asText()
                    + " checkpoint, expected " + type);
        }
        return Json.parse(tree.toString(), configType, file.toString());
    }

    /**
     * @param dir a model's directory
     * @return whether it holds a config
     */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(NAME));
    }

    private static ObjectNode tree(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + (Files.isDirectory(file) ? "it is a directory"
                    : Files.exists(file) ? e.getMessage() : "no such file"), e);
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(text);
            if (tree instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw new CalmException("malformed JSON in " + file + ": " + e.getOriginalMessage(), e);
        }
        throw new CalmException("malformed JSON in " + file + ": expected an object, a model's config");
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.isEmpty() ? 'x' : word.charAt(0)) >= 0 ? "an" : "a";
    }
}
