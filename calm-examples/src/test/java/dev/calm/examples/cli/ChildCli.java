/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code calm} command line in a JVM of its own, as a user runs it: for the tests that kill it, lock a run
 * directory against it, or compare two processes.
 *
 * @param process the running JVM
 * @param out its standard output
 * @param err its standard error
 */
record ChildCli(Process process, Path out, Path err) {

    /**
     * @param logs where its standard output and error go ({@code <name>.out}, {@code <name>.err})
     * @param name the file names' stem
     * @param args the command line after {@code calm}
     * @return the started process
     */
    static ChildCli start(Path logs, String name, List<String> args) throws IOException {
        return start(logs, name, List.of(), args);
    }

    /**
     * @param logs where its standard output and error go
     * @param name the file names' stem
     * @param prefix words before the {@code java} command, e.g. {@code unshare -m sh -c ...}; empty for none
     * @param args the command line after {@code calm}
     * @return the started process
     */
    static ChildCli start(Path logs, String name, List<String> prefix, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(javaCommand(args));
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildCli(p, out, err);
    }

    /**
     * @param args the command line after {@code calm}
     * @return {@code java -cp <this test's class path> CalmCli args...}
     */
    static List<String> javaCommand(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"), CalmCli.class.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * Waits for the process to end.
     *
     * @param seconds at most this long, then it is killed and the wait fails
     * @return its exit code
     */
    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish within " + seconds + " s: " + errText());
        }
        return process.exitValue();
    }

    /** Sends SIGKILL and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux and macOS
        process.waitFor();
    }

    /** @return what it printed on standard error so far */
    String errText() {
        return read(err);
    }

    /** @return what it printed on standard output so far */
    String outText() {
        return read(out);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }
}
