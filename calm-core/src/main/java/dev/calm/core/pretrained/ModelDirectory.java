/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.pretrained;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.ndarray.NDArray;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A model directory: a {@code config.json} beside the weights ({@link dev.calm.core.io.Checkpoints} finds them),
 * read in either {@link Layout} and written in either.
 */
public final class ModelDirectory {

    /** The config's file name. */
    public static final String CONFIG = "config.json";
    /** The weights' file name when this library writes them. */
    public static final String WEIGHTS = "model.safetensors";
    /** The field that names the model's type. */
    public static final String MODEL_TYPE = "model_type";

    private ModelDirectory() {}

    /**
     * @param dir a model directory
     * @return its {@code config.json}
     * @throws CalmException if the directory or its config is missing or is not a JSON object
     */
    public static ConfigFields config(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CalmException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
                    + " (a model directory holds config.json beside its weights)");
        }
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new CalmException(dir + " has no " + CONFIG + ": a model directory holds its config beside its "
                    + "weights");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CalmException("malformed JSON in " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!(json instanceof ObjectNode object)) {
            throw new CalmException("malformed JSON in " + file + ": expected an object, a model's config");
        }
        return new ConfigFields(file, object);
    }

    /**
     * Whether a config is in this library's layout: every field but {@code model_type} is one of the config
     * record's, and either {@code model_type} is the kind's label or every field of the record is there (a file
     * from before the type was recorded). Anything else is read as the reference's, with its defaults.
     *
     * @param config the config
     * @param kind the model it describes
     * @param record the config record of this library for that model
     * @return {@link Layout#LIBRARY} or {@link Layout#REFERENCE}
     */
    public static Layout layout(ConfigFields config, ModelKind kind, Class<? extends Record> record) {
        Set<String> fields = new HashSet<>(config.names());
        boolean typed = fields.remove(MODEL_TYPE);
        if (typed && !config.string(MODEL_TYPE, "").equals(kind.label())) {
            return Layout.REFERENCE;
        }
        Set<String> known = recordFields(record);
        return known.containsAll(fields) && (typed || fields.containsAll(known)) ? Layout.LIBRARY : Layout.REFERENCE;
    }

    private static Set<String> recordFields(Class<?> type) {
        BeanDescription bean = Json.MAPPER.getDeserializationConfig().introspect(Json.MAPPER.constructType(type));
        Set<String> known = new HashSet<>();
        bean.findProperties().forEach(p -> known.add(p.getName()));
        return known;
    }

    /**
     * Reads a config in this library's layout, strictly (unknown and missing fields are errors).
     *
     * @param config the config
     * @param record its record type
     * @param <T> that type
     * @return the record
     */
    public static <T> T readLibrary(ConfigFields config, Class<T> record) {
        ObjectNode json = config.json();
        json.remove(MODEL_TYPE);
        return Json.parse(json.toString(), record, config.file().toString());
    }

    /**
     * @param kind the model's kind
     * @param record its config record
     * @return the config as this library writes it: {@code model_type} first, then the record's fields
     */
    public static ObjectNode libraryConfig(ModelKind kind, Object record) {
        ObjectNode node = Json.MAPPER.createObjectNode().put(MODEL_TYPE, kind.label());
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(record));
        return node;
    }

    /**
     * Writes a model directory: the weights first, then the config, each atomically (to a temporary file renamed
     * over the target), so a failure while writing the weights leaves the directory as it was.
     *
     * @param dir the directory; created if missing
     * @param config the config.json content
     * @param weights the tensors by name, in file order (one array may appear under several names)
     * @param floatFormat how float tensors are stored: F32, BF16 or F16
     */
    public static void write(Path dir, ObjectNode config, Map<String, NDArray> weights, DType floatFormat) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CalmException("cannot create the directory " + dir + ": " + e, e);
        }
        SafeTensorsWriter.write(dir.resolve(WEIGHTS), weights, Map.of("format", "pt"), floatFormat);
        Json.write(dir.resolve(CONFIG), config);
    }

    /**
     * @param format a float format
     * @return its name in a Hugging Face config's {@code torch_dtype}
     */
    public static String torchDtype(DType format) {
        return switch (format) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case I64 -> "int64";
        };
    }
}
