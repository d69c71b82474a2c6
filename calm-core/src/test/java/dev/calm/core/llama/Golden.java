/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.config.Json;
import dev.calm.core.io.SafeTensorsReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The tiny Llama of src/test/resources/golden, computed by an independent numpy reference. */
final class Golden {

    private Golden() {}

    static Path resource(String name) {
        try {
            return Path.of(Golden.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TransformerConfig config() {
        return Json.read(resource("tiny_llama_config.json"), TransformerConfig.class);
    }

    static Transformer model(NDManager manager) {
        Transformer model = new Transformer(config());
        model.load(resource("tiny_llama.safetensors"), manager);
        return model;
    }

    static Map<String, NDArray> io(NDManager manager) {
        try (SafeTensorsReader reader = SafeTensorsReader.open(resource("tiny_llama_io.safetensors"))) {
            return reader.readAll(manager);
        }
    }
}
