/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.io.SafeTensorsReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Golden files of every module's tests: weights, inputs and outputs written by an independent numpy reference
 * into {@code src/test/resources/golden} (each module keeps its own files and the script that wrote them), and
 * the comparison the golden tests make against them. Shared through calm-core's test jar.
 */
public final class GoldenFiles {

    private GoldenFiles() {}

    /**
     * @param name a file name under {@code /golden} on the test classpath
     * @return its path
     */
    public static Path path(String name) {
        var url = GoldenFiles.class.getResource("/golden/" + name);
        if (url == null) {
            throw new IllegalStateException("no golden file " + name + " on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param name a safetensors file under {@code /golden}
     * @param manager owner of the arrays
     * @return every tensor of the file, by name
     */
    public static Map<String, NDArray> tensors(String name, NDManager manager) {
        try (SafeTensorsReader reader = SafeTensorsReader.open(path(name))) {
            return reader.readAll(manager);
        }
    }

    /**
     * @param actual the computed array
     * @param expected the reference, of the same shape
     * @return max |actual - expected|
     */
    public static float maxAbsDiff(NDArray actual, NDArray expected) {
        assertEquals(expected.getShape(), actual.getShape());
        return actual.sub(expected).abs().max().getFloat();
    }
}
