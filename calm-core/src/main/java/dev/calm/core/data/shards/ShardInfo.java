/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import dev.calm.core.config.Checks;

/**
 * One shard as the dataset's {@code index.json} lists it.
 *
 * @param file the shard's file name, relative to the dataset's directory
 * @param tokens token ids in the shard, end-of-text ids included
 * @param documents documents in the shard
 * @param bytes the file's size
 * @param crc32c the CRC32C of the whole file, 8 lowercase hex digits
 */
public record ShardInfo(String file, long tokens, long documents, long bytes, String crc32c) {

    /**
     * Validates the fields.
     *
     * @param file a plain file name
     * @param tokens &gt;= documents
     * @param documents &gt; 0
     * @param bytes &gt; 0
     * @param crc32c 8 lowercase hex digits
     * @throws dev.calm.core.CalmException naming the invalid field
     */
    public ShardInfo {
        Checks.check(file != null && file.matches("[A-Za-z0-9._-]+") && !file.startsWith("."),
                "shard file must be a plain file name, got " + file);
        Checks.check(documents > 0 && tokens >= documents, "shard " + file + ": needs documents > 0 and tokens >= "
                + "documents, got " + tokens + " tokens and " + documents + " documents");
        Checks.check(bytes > 0, "shard " + file + ": bytes must be > 0, got " + bytes);
        Checks.check(crc32c != null && crc32c.matches("[0-9a-f]{8}"),
                "shard " + file + ": crc32c must be 8 lowercase hex digits, got " + crc32c);
    }

    /**
     * @param ordinal the shard's place in its dataset, from 0
     * @return its file name, {@code shard-00000.bin} for the first
     */
    public static String fileName(int ordinal) {
        return String.format(java.util.Locale.ROOT, "shard-%05d.bin", ordinal);
    }
}
