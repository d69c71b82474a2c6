/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The real corpora of {@code ../shared/data} next to the repository, for tests. They exist on the project's
 * machines and in CI, not in a user's clone: a test that needs one is skipped, with the reason, when it is absent.
 * Other modules reach this class through calm-core's test jar.
 */
public final class SharedData {

    private SharedData() {}

    /**
     * @param name a file under {@code ../shared/data} of the repository root
     * @return its path; the calling test is skipped when it is absent
     */
    public static Path require(String name) {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("data").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Assumptions.assumeTrue(false, "shared data absent: ../shared/data/" + name + " (searched up from " + dir + ")");
        return null;
    }

    /**
     * @param name a corpus under {@code ../shared/data}, e.g. {@code brown.jsonl}
     * @return its documents; the calling test is skipped when it is absent
     */
    public static List<Document> documents(String name) {
        return CorpusReader.read(require(name));
    }

    /**
     * @param name a corpus under {@code ../shared/data}
     * @return the texts of its documents, in file order
     */
    public static List<String> texts(String name) {
        return documents(name).stream().map(Document::text).toList();
    }
}
