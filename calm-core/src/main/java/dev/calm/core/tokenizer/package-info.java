/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Tokenizers behind one interface, {@link dev.calm.core.tokenizer.Tokenizer} (encode, decode, vocabulary size,
 * end-of-text id): {@link dev.calm.core.tokenizer.HfTokenizer} runs any Hugging Face {@code tokenizer.json}
 * without special tokens, truncation or padding, and {@link dev.calm.core.tokenizer.BpeTrainer} learns a GPT-2
 * byte-level BPE ({@code <|endoftext|>} at id 0, byte b at id 1 + b) and writes it as a {@code tokenizer.json}.
 */
package dev.calm.core.tokenizer;
