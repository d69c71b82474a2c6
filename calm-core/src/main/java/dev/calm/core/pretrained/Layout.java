/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.pretrained;

/**
 * How a model directory is laid out. {@code fromPretrained} reads both; {@code savePretrained} writes
 * {@link #REFERENCE} unless told otherwise.
 */
public enum Layout {
    /**
     * The reference implementation's Hugging Face layout, the default for export: a flat {@code config.json} with
     * the reference's field names (a Llama config plus {@code ae_path}, {@code patch_size}, ... for a CALM), and
     * state-dict keys as the reference's modules register them: a CALM's file also holds its frozen autoencoder
     * under {@code ae_model.*} and its head under both {@code mlp_generator.*} and {@code generative_head.*}, an
     * autoencoder's holds {@code decoder.lm_head_weight} beside the embedding it aliases. The reference's Python
     * code loads such a directory with {@code from_pretrained}.
     */
    REFERENCE,
    /**
     * This library's run-directory layout: {@code config.json} is the config record as JSON (a CALM's backbone
     * nested under {@code backbone}) with the model's type under {@code model_type}, and {@code model.safetensors}
     * holds the module's own parameters only; a CALM's autoencoder lives in the sibling directory
     * {@code autoencoder/}.
     */
    LIBRARY
}
