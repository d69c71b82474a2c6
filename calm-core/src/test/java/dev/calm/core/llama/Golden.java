/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.GoldenFiles;
import dev.calm.core.config.Json;
import java.util.Map;

/** The tiny Llama of src/test/resources/golden, computed by an independent numpy reference. */
final class Golden {

    private Golden() {}

    static TransformerConfig config() {
        return Json.read(GoldenFiles.path("tiny_llama_config.json"), TransformerConfig.class);
    }

    static Transformer model(NDManager manager) {
        Transformer model = new Transformer(config());
        model.load(GoldenFiles.path("tiny_llama.safetensors"), manager);
        return model;
    }

    static Map<String, NDArray> io(NDManager manager) {
        return GoldenFiles.tensors("tiny_llama_io.safetensors", manager);
    }
}
