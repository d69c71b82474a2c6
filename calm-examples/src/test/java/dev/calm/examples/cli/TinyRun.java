/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.training.RunLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One tiny run directory built once per test JVM by the run-directory commands themselves ({@code tokenizer
 * train}, {@code train-ae}, {@code train} for both models: vocabulary 300, 2 autoencoder steps, 1 step of each
 * language model), shared by the test classes that read it; tests that change files work on a {@link #copy}.
 *
 * @param corpus the training corpus
 * @param runDir the run directory
 * @param outputs what each command printed, by command
 */
record TinyRun(Path corpus, Path runDir, Map<String, CliRun> outputs) {

    private static TinyRun built;

    /** @return the shared run, built on first use */
    static synchronized TinyRun get() {
        if (built == null) {
            built = build();
        }
        return built;
    }

    private static TinyRun build() {
        try {
            Path dir = Files.createTempDirectory("calm-tiny-run");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            Path corpus = QuickstartCommandTest.corpus(dir);
            Path run = dir.resolve("run");
            Path aeConfig = Files.writeString(dir.resolve("ae.json"), "{\"ae-steps\": 2, \"ae-batch\": 4, "
                    + "\"eval-tokens\": 256, \"sigmas\": [0, 0.5], \"device\": \"cpu\", \"data\": \"" + corpus + "\"}");
            Map<String, CliRun> outputs = new TreeMap<>();
            outputs.put("tokenizer train", ok(CliRun.run("tokenizer", "train", "--data", corpus.toString(),
                    "--run-dir", run.toString(), "--vocab", "300")));
            // the file sets the steps, the batch and the sigmas; the command line overrides the batch
            outputs.put("train-ae", ok(CliRun.run("train-ae", "--config", aeConfig.toString(), "--run-dir",
                    run.toString(), "--ae-batch", "1")));
            for (String model : new String[] {"baseline", "calm"}) {
                outputs.put("train " + model, ok(CliRun.run("train", "--model", model, "--data", corpus.toString(),
                        "--run-dir", run.toString(), "--lm-steps", "1", "--lm-batch", "1", "--device", "cpu")));
            }
            return new TinyRun(corpus, run, outputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CliRun ok(CliRun r) {
        assertEquals(0, r.exit(), r.err());
        return r;
    }

    /**
     * @param target a directory that does not exist yet
     * @return a copy of the run directory (without the training checkpoints) at {@code target}
     */
    Path copy(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(runDir)) {
            for (Path p : files.filter(p -> !p.toString().contains("checkpoints")).toList()) {
                Path to = target.resolve(runDir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }

    /**
     * @param dir a directory
     * @return the SHA-256 of every file under it, by relative path, but the run directory's lock file: reading it
     *     would release a lock this process holds on it (POSIX drops a process's locks on a file when it closes
     *     any channel to it)
     */
    static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(RunLock.FILE)).toList()) {
                hashes.put(dir.relativize(p).toString(), sha256(Files.readAllBytes(p)));
            }
        }
        return hashes;
    }

    /**
     * Runs a command that must fail on bad input: with the exit code, one line on stderr naming the problem,
     * no stack trace, and every file of the run directory as it was.
     *
     * @param runDir the run directory the command works on
     * @param exit the expected exit code, 2 for a usage error, 1 for a failure
     * @param problem what the line must say
     * @param args the command line
     * @return the run
     */
    static CliRun failsCleanly(Path runDir, int exit, String problem, String... args) throws IOException {
        Map<String, String> before = hashes(runDir);
        CliRun r = CliRun.run(args);
        assertEquals(exit, r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
        assertTrue(r.err().startsWith("calm: ") && r.err().contains(problem), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        assertEquals(before, hashes(runDir), "no file of the run directory changed");
        return r;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param dir a directory to delete with everything under it (nothing if it does not exist) */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: the system cleans it up eventually
        }
    }
}
