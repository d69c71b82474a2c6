/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.CalmException;
import dev.calm.core.config.Checks;
import dev.calm.core.config.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A sharded dataset's {@code index.json}: what wrote it and what its shards hold. The dataset's token stream is
 * its shards' token ids in the listed order. The file holds nothing that depends on the machine, the time or the
 * program that wrote it, so two writers of the same documents with the same settings write the same bytes.
 *
 * @param format always {@value #FORMAT}
 * @param version the shard format version, {@link ShardFormat#VERSION}
 * @param tokenizer the tokenizer every shard was written with
 * @param tokenBytes bytes per token id in the shards, 2 or 4
 * @param shardTokens the shard size setting: shard k holds the documents whose first token falls at a stream
 *     offset in [k * shardTokens, (k + 1) * shardTokens), numbered densely among the non-empty ones
 * @param split which side of the preparation's split this dataset is ({@code train}, {@code validation}, or
 *     {@code all} without a split)
 * @param validationFraction the share of documents the split held out (0 without a split)
 * @param seed the seed of the split
 * @param tokens token ids in the whole dataset, end-of-text ids included
 * @param documents documents in the whole dataset
 * @param shards the shards, in stream order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ShardIndex(String format, int version, TokenizerIdentity tokenizer, int tokenBytes, long shardTokens,
        String split, double validationFraction, long seed, long tokens, long documents, List<ShardInfo> shards) {

    /** The name of the index file in a dataset's directory. */
    public static final String FILE = "index.json";
    /** The value of {@code format}. */
    public static final String FORMAT = "calm-token-shards";

    /**
     * Validates the fields and that the totals are the sums over the shards.
     *
     * @param format {@value #FORMAT}
     * @param version {@link ShardFormat#VERSION}
     * @param tokenizer not null
     * @param tokenBytes the tokenizer's {@link TokenizerIdentity#tokenBytes()}
     * @param shardTokens &gt; 0
     * @param split not blank
     * @param validationFraction in [0, 1)
     * @param seed any
     * @param tokens the sum of the shards' tokens
     * @param documents the sum of the shards' documents, &gt; 0
     * @param shards at least one, copied
     * @throws CalmException naming the first field that is wrong
     */
    public ShardIndex {
        Checks.check(FORMAT.equals(format), "format must be " + FORMAT + ", got " + format);
        Checks.check(version == ShardFormat.VERSION, "version " + version + " is not the one this library reads ("
                + ShardFormat.VERSION + ")");
        Checks.check(tokenizer != null, "tokenizer is missing");
        Checks.check(tokenBytes == tokenizer.tokenBytes(), "token_bytes must be " + tokenizer.tokenBytes()
                + " for a vocabulary of " + tokenizer.vocabSize() + ", got " + tokenBytes);
        Checks.check(shardTokens > 0, "shard_tokens must be > 0, got " + shardTokens);
        Checks.check(split != null && !split.isBlank(), "split is missing");
        Checks.check(validationFraction >= 0 && validationFraction < 1,
                "validation_fraction must be in [0, 1), got " + validationFraction);
        Checks.check(shards != null && !shards.isEmpty(), "the index lists no shard");
        shards = List.copyOf(shards);
        long sumTokens = 0;
        long sumDocuments = 0;
        for (ShardInfo s : shards) {
            sumTokens += s.tokens();
            sumDocuments += s.documents();
        }
        Checks.check(sumTokens == tokens, "tokens is " + tokens + " but the shards hold " + sumTokens);
        Checks.check(sumDocuments == documents, "documents is " + documents + " but the shards hold " + sumDocuments);
    }

    /**
     * @param dir a dataset's directory
     * @return its index
     * @throws CalmException when the directory has no index or the index is invalid
     */
    public static ShardIndex read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new CalmException(Files.isDirectory(dir)
                    ? dir + " has no " + FILE + ": it is not a prepared dataset, or its preparation did not finish "
                            + "(run calm prepare again to resume it)"
                    : "prepared dataset not found: " + dir);
        }
        return Json.read(file, ShardIndex.class);
    }

    /**
     * Writes {@code dir/index.json} atomically.
     *
     * @param dir the dataset's directory
     */
    public void write(Path dir) {
        Json.write(dir.resolve(FILE), this);
    }

    /** @return the index as the bytes {@link #write} puts in the file */
    public String toJson() {
        return Json.toJson(this) + "\n";
    }

    /**
     * @param dir a directory
     * @return whether it holds a dataset's index
     */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }
}
