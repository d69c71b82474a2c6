/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code shared/data} next to the repository; tests that need a file there skip when it is absent. */
final class SharedData {

    private SharedData() {}

    /**
     * @param name a file in shared/data
     * @return its path; the calling test is skipped when it is absent
     */
    static Path require(String name) {
        Path found = null;
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data").resolve(name);
            if (Files.isRegularFile(candidate)) {
                found = candidate;
                break;
            }
        }
        assumeTrue(found != null, "shared data file absent: ../shared/data/" + name + " (looked upwards from "
                + System.getProperty("user.dir") + ")");
        return found;
    }
}
