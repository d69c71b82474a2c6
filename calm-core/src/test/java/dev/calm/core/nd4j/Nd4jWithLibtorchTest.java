/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libtorch and ND4J in one JVM, loaded in either order, used one after the other and at the same time on two
 * threads: no crash, both products right, libtorch's thread count unchanged by ND4J's start-up. Each order runs
 * in a child JVM of its own ({@link BothEngines}), the only way to choose which native library loads first.
 */
class Nd4jWithLibtorchTest {

    @ParameterizedTest
    @ValueSource(strings = {"torch-first", "nd4j-first"})
    void bothEnginesWorkInOneJvm(String order) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-Xmx1g", "-Dai.djl.pytorch.num_threads=2",
                "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                BothEngines.class.getName(), order, "5")).redirectErrorStream(true).start();
        if (!child.waitFor(300, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 300 s");
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        String line = output.lines().filter(l -> l.startsWith("ok ")).findFirst().orElseThrow(
                () -> new AssertionError("no result line: " + output));
        Map<String, String> figures = new HashMap<>();
        for (String field : line.substring(3).split(" ")) {
            String[] kv = field.split("=");
            figures.put(kv[0], kv[1]);
        }
        assertEquals(order, figures.get("order"));
        assertEquals(figures.get("torch_threads_before"), figures.get("torch_threads_after"), line);
        // 128 products of unit Gaussians: sums of magnitude ~11, float32 rounding ~1e-5
        assertTrue(Double.parseDouble(figures.get("torch_err")) < 1e-3, line);
        assertTrue(Double.parseDouble(figures.get("nd4j_err")) < 1e-3, line);
    }
}
