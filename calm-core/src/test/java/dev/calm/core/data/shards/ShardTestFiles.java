/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.calm.core.config.Json;
import dev.calm.core.data.Document;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Test helpers for prepared datasets, shared with calm-spark's tests through the test jar. */
public final class ShardTestFiles {

    private ShardTestFiles() {}

    /**
     * Asserts that two directories hold the same file names with the same bytes.
     *
     * @param a one directory
     * @param b the other
     * @throws IOException when a directory cannot be read
     */
    public static void assertDirectoriesEqual(Path a, Path b) throws IOException {
        List<String> namesA;
        List<String> namesB;
        try (Stream<Path> s = Files.list(a); Stream<Path> t = Files.list(b)) {
            namesA = s.map(p -> p.getFileName().toString()).sorted().toList();
            namesB = t.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(namesA, namesB);
        for (String name : namesA) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
    }

    /**
     * @param docs documents
     * @return a JSON Lines file of their texts, then a blank line and a blank document (both skipped by readers)
     */
    public static String jsonl(List<Document> docs) {
        StringBuilder sb = new StringBuilder();
        for (Document d : docs) {
            sb.append(Json.toJson(Map.of("text", d.text())).replace("\n", "")).append("\n");
        }
        sb.append("\n{\"text\": \"   \"}\n");
        return sb.toString();
    }
}
