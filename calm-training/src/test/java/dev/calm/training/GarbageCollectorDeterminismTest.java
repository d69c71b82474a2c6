/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test of issue 15's non-determinism: the same training gave different trajectories in different
 * processes, once with a gradient norm of Infinity at a step whose loss was finite. The cause was the scalar
 * operand of {@code x.mul(2)}, {@code x.div(n)}, {@code x.maximum(v)}: DJL builds it on a Java direct buffer,
 * frees it when the op returns, and the backward pass read it again after a garbage collection had handed the
 * memory to something else (see {@link dev.calm.core.Backend}). {@link GarbageCollectorChurn} forces that
 * collection, and poisons the freed memory, between every forward and backward pass of the autoencoder, CALM and
 * the baseline, in a child JVM (the bug corrupts memory; a child keeps it away from the test run). Before the fix
 * every such run diverged at its first step; now each matches its undisturbed twin bit for bit.
 */
class GarbageCollectorDeterminismTest {

    @Test
    void aGarbageCollectionBetweenForwardAndBackwardChangesNothing(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("child.txt");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                GarbageCollectorChurn.class.getName(), "6", "1", "2", "3");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(child.waitFor(900, TimeUnit.SECONDS), "the child JVM finishes"); // 7 s on a quiet machine
        } finally {
            child.destroyForcibly();
        }
        String output = read(log);
        String summary = String.join("\n", output.lines().filter(l -> l.matches("\\w+ seed \\d+: .*")).toList());
        assertEquals(9, summary.lines().count(), output);
        assertEquals(0, child.exitValue(), summary);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }
}
