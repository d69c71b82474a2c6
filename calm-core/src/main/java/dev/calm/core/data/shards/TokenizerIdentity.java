/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.CalmException;
import dev.calm.core.config.Checks;
import dev.calm.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a sharded dataset records of the tokenizer that wrote it: the SHA-256 of its {@code tokenizer.json} bytes,
 * its vocabulary size and its end-of-text id. A dataset is read only by a tokenizer with the same identity.
 *
 * @param sha256 the SHA-256 of the tokenizer file, 64 lowercase hex digits
 * @param vocabSize ids in the vocabulary, every token id is below it
 * @param eosId the end-of-text id that follows every document
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenizerIdentity(String sha256, int vocabSize, int eosId) {

    /**
     * Validates the fields.
     *
     * @param sha256 64 lowercase hex digits
     * @param vocabSize &gt; 0
     * @param eosId in [0, vocabSize)
     * @throws CalmException naming the invalid field
     */
    public TokenizerIdentity {
        Checks.check(sha256 != null && sha256.matches("[0-9a-f]{64}"),
                "tokenizer sha256 must be 64 lowercase hex digits, got " + sha256);
        Checks.check(vocabSize > 0, "vocab_size must be > 0, got " + vocabSize);
        Checks.check(eosId >= 0 && eosId < vocabSize, "eos_id must be in [0, vocab_size), got " + eosId);
    }

    /**
     * @param file the {@code tokenizer.json} the tokenizer was loaded from
     * @param tokenizer the loaded tokenizer
     * @return its identity
     */
    public static TokenizerIdentity of(Path file, Tokenizer tokenizer) {
        return new TokenizerIdentity(sha256(file), tokenizer.vocabSize(), tokenizer.eosId());
    }

    /**
     * @param file any file
     * @return the SHA-256 of its bytes, lowercase hex
     */
    public static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new CalmException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param bytes any bytes
     * @return their SHA-256, lowercase hex
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** @return the bytes per token id in a shard: 2 (uint16) when every id fits, else 4 (uint32) */
    public int tokenBytes() {
        return vocabSize <= 1 << 16 ? 2 : 4;
    }

    /** @return the hash's first 12 hex digits, enough to tell two tokenizers apart in a message */
    public String shortHash() {
        return sha256.substring(0, 12);
    }
}
