/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The Llama-style backbone shared by CALM and the token baseline, with Hugging Face {@code LlamaModel}
 * parameter names: RMSNorm, rotary embeddings (rotate-half), grouped-query causal attention, SwiGLU, and a KV
 * cache with in-place writes ({@link dev.calm.core.llama.KVCache}). {@link dev.calm.core.llama.AttentionLayout}
 * describes passes that are not one causal run: left-padded batches and branches off a shared prefix.
 */
package dev.calm.core.llama;
