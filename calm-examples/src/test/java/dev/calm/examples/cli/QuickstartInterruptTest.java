/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.config.Json;
import dev.calm.training.CheckpointStore;
import dev.calm.training.MetricsLog;
import dev.calm.training.TrainConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: a quickstart in its own JVM gets SIGINT while its autoencoder trains. It saves a checkpoint at
 * the step it reached and says so in one line; the stage is not marked complete; and running the same command
 * again resumes from that checkpoint instead of starting over, to the planned last step.
 */
class QuickstartInterruptTest {

    /** Enough steps (about 5 s on a quiet machine) that Ctrl-C at step 10 still lands in training under load. */
    private static final int STEPS = 200;
    private static final Pattern STEP = Pattern.compile("\"step\": ?(\\d+)");

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void ctrlCSavesACheckpointAndTheSameCommandResumes(@TempDir Path dir) throws Exception {
        Path data = QuickstartCommandTest.corpus(dir);
        Path run = dir.resolve("run");
        Path ae = run.resolve("autoencoder");
        List<String> args = List.of("quickstart", "--data", data.toString(), "--run-dir", run.toString(), "--vocab",
                "300", "--ae-minutes", "5", "--ae-steps", String.valueOf(STEPS), "--ae-batch", "2", "--eval-tokens",
                "512", "--lm-minutes", "0", "--device", "cpu");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), CalmCli.class.getName()));
        command.addAll(args);
        Path err = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lastStep(ae) < 10) { // a few logged steps: the trainer is in its loop
                assertTrue(process.isAlive(), () -> "the quickstart ended early: " + read(err));
                assertTrue(System.nanoTime() < deadline, "no training step within 120 s");
                Thread.sleep(50);
            }
            new ProcessBuilder("kill", interruptSignal(), String.valueOf(process.pid())).start().waitFor();
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the quickstart exits after Ctrl-C");
        } finally {
            process.destroyForcibly();
        }
        String message = read(err);
        String diagnosis = message + "\n(stdout) " + read(dir.resolve("stdout.txt"));
        assertTrue(message.matches("(?s).*calm: interrupted at step \\d+; checkpoint saved in .*checkpoints: run the "
                + "same command again to resume.*"), diagnosis);
        long stopped = CheckpointStore.readState(new CheckpointStore(ae).latest().orElseThrow()).step();
        assertTrue(stopped >= 10 && stopped < STEPS, "stopped at step " + stopped);
        assertFalse(Files.exists(ae.resolve("model.safetensors")), "the stage is not marked complete");

        CliRun again = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("resuming the plan in"), again.out());
        List<Long> steps = new MetricsLog(ae).read().stream().map(l -> l.get("step").asLong()).toList();
        assertEquals(STEPS, steps.get(steps.size() - 1));
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i) > steps.get(i - 1), "one curve, resumed where it stopped: " + steps);
        }
        assertEquals(STEPS, Json.read(ae.resolve("plan.json"), TrainConfig.class).maxSteps());
    }

    /**
     * Ctrl-C's signal, SIGINT; but SIGTERM when this JVM inherited SIGINT ignored (a background job of a
     * non-interactive shell, such as {@code ./mvnw verify &}), because the child inherits that too and would never
     * see it. The JVM runs the same shutdown hooks for both.
     */
    private static String interruptSignal() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (Files.exists(status)) {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("SigIgn:") && (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 2) != 0) {
                    return "-TERM"; // bit 1 is signal 2, SIGINT
                }
            }
        }
        return "-INT";
    }

    /** The last step in a stage's metrics.jsonl so far (0 before its first line). */
    private static long lastStep(Path stage) throws IOException {
        Path file = stage.resolve(MetricsLog.FILE);
        long last = 0;
        if (Files.exists(file)) {
            Matcher m = STEP.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                last = Math.max(last, Long.parseLong(m.group(1)));
            }
        }
        return last;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }
}
