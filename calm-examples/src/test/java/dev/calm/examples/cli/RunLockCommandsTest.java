/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.calm.training.RunLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per run directory, between real processes: a second writer gets one line naming the holder and
 * changes nothing; the lock of a process killed with SIGKILL is taken over; a read-only run directory is refused
 * before anything runs.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RunLockCommandsTest {

    private final TinyRun run = TinyRun.get();

    private List<String> trainAe(Path runDir, int steps) {
        return List.of("train-ae", "--run-dir", runDir.toString(), "--data", run.corpus().toString(), "--ae-steps",
                String.valueOf(steps), "--ae-batch", "1", "--eval-tokens", "256", "--sigmas", "0", "--device", "cpu");
    }

    @Test
    void aSecondWriterIsRefusedInOneLineNamingTheHolderAndChangesNothing(@TempDir Path dir) throws Exception {
        Path runDir = run.copy(dir.resolve("run"));
        try (RunLock held = RunLock.acquire(runDir, "calm quickstart")) {
            Map<String, String> before = TinyRun.hashes(runDir);
            ChildCli second = ChildCli.start(dir, "second", trainAe(runDir, 2));
            assertEquals(1, second.waitFor(120), second.errText());
            List<String> lines = calmLines(second.errText());
            assertEquals(1, lines.size(), second.errText());
            assertTrue(lines.get(0).matches("calm: run directory .*run is in use by calm quickstart \\(PID "
                    + ProcessHandle.current().pid() + " on host .*, since .*\\): wait for it to finish, or use "
                    + "another --run-dir"), lines.get(0));
            assertFalse(second.errText().contains("\tat "), "no stack trace");
            assertEquals(before, TinyRun.hashes(runDir), "the second writer changed nothing");
            assertTrue(Files.readString(held.file()).contains("\"pid\":" + ProcessHandle.current().pid()),
                    "nor the lock file");
        }
    }

    @Test
    void theLockOfAKilledWriterIsTakenOver(@TempDir Path dir) throws Exception {
        Path runDir = run.copy(dir.resolve("run"));
        ChildCli writer = ChildCli.start(dir, "writer", trainAe(runDir, 100_000));
        Path lockFile = runDir.resolve(RunLock.FILE);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(Files.exists(lockFile) && Files.readString(lockFile).contains("\"pid\":" + writer.process().pid()))) {
            assertTrue(writer.process().isAlive(), writer.errText());
            assertTrue(System.nanoTime() < deadline, "the writer took no lock within 120 s");
            Thread.sleep(20);
        }
        writer.kill();
        assertTrue(Files.readString(lockFile).contains("train-ae"), "the killed writer's lock is left behind");

        CliRun next = CliRun.run("tokenizer", "train", "--run-dir", runDir.toString(), "--data",
                run.corpus().toString(), "--vocab", "300");
        assertEquals(0, next.exit(), next.err());
        assertEquals("", Files.readString(lockFile), "taken over, then released");
    }

    @Test
    void aReadOnlyRunDirectoryIsRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path runDir = run.copy(dir.resolve("run"));
        Files.deleteIfExists(runDir.resolve(RunLock.FILE));
        Map<String, String> before = TinyRun.hashes(runDir);
        boolean root = "root".equals(System.getProperty("user.name"));
        ChildCli child;
        if (!root) { // permissions stop an ordinary user
            Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("r-xr-xr-x"));
            child = ChildCli.start(dir, "readonly", trainAe(runDir, 2));
        } else { // root ignores permissions: a read-only bind mount in a private mount namespace stops it
            assumeTrue(canMountReadOnly(dir), "root without the right to mount: nothing makes a directory read-only");
            String mount = "mount --bind '" + runDir + "' '" + runDir + "' && mount -o remount,ro,bind '" + runDir
                    + "' '" + runDir + "' && exec \"$@\"";
            child = ChildCli.start(dir, "readonly", List.of("unshare", "-m", "sh", "-c", mount, "sh"),
                    trainAe(runDir, 2));
        }
        try {
            assertEquals(1, child.waitFor(120), child.errText());
        } finally {
            Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> lines = calmLines(child.errText());
        assertEquals(List.of("calm: the run directory " + runDir + " is not writable (read-only file system or "
                + "permissions): nothing was run"), lines, child.errText());
        assertFalse(child.outText().contains("autoencoder:"), "no stage started: " + child.outText());
        assertEquals(before, TinyRun.hashes(runDir));
    }

    private static boolean canMountReadOnly(Path dir) throws IOException, InterruptedException {
        Path probe = Files.createDirectories(dir.resolve("probe"));
        Process p = new ProcessBuilder("unshare", "-m", "sh", "-c", "mount --bind '" + probe + "' '" + probe
                + "' && mount -o remount,ro,bind '" + probe + "' '" + probe + "'").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** The lines the command line printed itself, without the log lines. */
    private static List<String> calmLines(String err) {
        List<String> out = new ArrayList<>();
        err.lines().filter(l -> l.startsWith("calm: ")).forEach(out::add);
        return out;
    }
}
