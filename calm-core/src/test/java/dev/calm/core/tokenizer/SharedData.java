/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.config.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Finds {@code shared/data} next to the repository and reads its JSONL corpora; skips a test when absent. */
final class SharedData {

    private SharedData() {}

    /**
     * @param name a file under {@code ../shared/data} of the repository root
     * @return its path; the calling test is skipped when it is absent
     */
    static Path require(String name) {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("data").resolve(name);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        Assumptions.assumeTrue(false, "shared data absent: ../shared/data/" + name + " (searched up from " + dir + ")");
        return null;
    }

    /**
     * @param file a JSONL file with one object per line holding a {@code "text"} field
     * @return the texts in file order
     */
    static List<String> texts(Path file) {
        List<String> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    JsonNode node = Json.MAPPER.readTree(line);
                    out.add(node.get("text").asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
