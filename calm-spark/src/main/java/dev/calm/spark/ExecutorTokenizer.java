/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import dev.calm.core.CalmException;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HF tokenizer on an executor: the driver ships the {@code tokenizer.json} bytes (in the task closure, they
 * are small), and each executor JVM loads them once, keyed by their SHA-256, and keeps the tokenizer for every
 * later task. The Rust tokenizer is safe to call from several task threads.
 */
final class ExecutorTokenizer {

    private static final Map<String, HfTokenizer> LOADED = new ConcurrentHashMap<>();

    private ExecutorTokenizer() {}

    /**
     * @param json the bytes of a {@code tokenizer.json}
     * @return the tokenizer they describe, loaded once per JVM
     */
    static HfTokenizer get(byte[] json) {
        return LOADED.computeIfAbsent(TokenizerIdentity.sha256(json), hash -> {
            try {
                Path file = Files.createTempFile("calm-tokenizer-" + hash.substring(0, 12), ".json");
                file.toFile().deleteOnExit();
                Files.write(file, json);
                return HfTokenizer.load(file);
            } catch (IOException e) {
                throw new CalmException("cannot stage the tokenizer on this executor: " + e.getMessage(), e);
            }
        });
    }
}
