/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.pretrained;

import dev.calm.core.io.DType;
import java.nio.file.Path;

/**
 * A model that saves itself as a model directory, as Hugging Face's {@code save_pretrained} does: by default in
 * the reference implementation's layout and in F32, a directory the reference's Python code loads with
 * {@code from_pretrained}. Loading stays a static {@code fromPretrained(dir, manager)} of each model class, since
 * it builds the model from the directory's config.
 */
public interface SavesPretrained {

    /**
     * Saves this model in the reference implementation's layout ({@link Layout#REFERENCE}), in F32.
     *
     * @param dir the directory; created if missing
     */
    default void savePretrained(Path dir) {
        savePretrained(dir, Layout.REFERENCE, DType.F32);
    }

    /**
     * Saves this model as a model directory.
     *
     * @param dir the directory; created if missing, its files replaced
     * @param layout the reference's or this library's
     * @param floatFormat how the weights are stored: F32, BF16 or F16
     */
    void savePretrained(Path dir, Layout layout, DType floatFormat);
}
