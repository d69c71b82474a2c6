/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Model directories in and out: the reference implementation's Hugging Face layout and this library's
 * ({@link dev.calm.core.pretrained.Layout}), the kind of model a {@code config.json} describes
 * ({@link dev.calm.core.pretrained.ModelKind}), its fields read with the reference's defaults
 * ({@link dev.calm.core.pretrained.ConfigFields}), the Llama backbone's config in Hugging Face's form
 * ({@link dev.calm.core.pretrained.HfLlamaConfig}), and directories written atomically
 * ({@link dev.calm.core.pretrained.ModelDirectory}). The models' {@code fromPretrained} methods build on it.
 */
package dev.calm.core.pretrained;
