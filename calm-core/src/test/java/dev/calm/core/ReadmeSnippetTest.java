/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.io.DType;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library snippet, verbatim but for the output directory. */
class ReadmeSnippetTest {

    @Test
    void readmeSnippetRuns(@TempDir Path dir) {
        Shape shape;
        try (NDManager root = Backend.newManager(Device.auto())) {
            Transformer model = new Transformer(TransformerConfig.small(4096));
            model.initialize(root, new Rng(42));
            try (StepScope step = StepScope.open(root, model)) {
                NDArray ids = step.manager().create(new long[] {1, 2, 3}, new Shape(1, 3));
                NDArray hidden = model.forwardTokens(ids, null);
                shape = hidden.getShape();
            }
            model.save(dir.resolve("backbone.safetensors"), DType.BF16);
        }
        assertEquals(new Shape(1, 3, 256), shape);
        assertTrue(Files.exists(dir.resolve("backbone.safetensors")));
    }
}
