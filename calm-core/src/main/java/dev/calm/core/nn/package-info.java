/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * A small PyTorch-style module system over DJL's NDArray: {@link dev.calm.core.nn.Module} is a tree of
 * named {@link dev.calm.core.nn.Parameter}s (dotted names, {@code [out, in]} weights) that initialises from an
 * {@link dev.calm.core.Rng}, loads strictly and saves to safetensors; the layers (Linear, Embedding, RMSNorm,
 * LayerNorm, SwiGLU) and the cross-entropy of {@link dev.calm.core.nn.Losses} are built on it.
 */
package dev.calm.core.nn;
