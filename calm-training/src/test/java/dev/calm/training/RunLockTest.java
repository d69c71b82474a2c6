/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory's writer lock within one process: held, refused, released, taken over. */
class RunLockTest {

    @Test
    void aHeldLockRefusesASecondWriterAndNamesTheHolder(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        try (RunLock first = RunLock.acquire(runDir, "calm train-ae")) {
            String holder = Files.readString(first.file());
            assertTrue(holder.contains("\"pid\":" + ProcessHandle.current().pid()), holder);
            CalmException e = assertThrows(CalmException.class, () -> RunLock.acquire(runDir, "calm train"));
            assertTrue(e.getMessage().startsWith("run directory " + runDir + " is in use by calm train-ae (PID "
                    + ProcessHandle.current().pid() + " on host "), e.getMessage());
            assertEquals(holder, Files.readString(first.file()), "the refused writer leaves the file alone");
        }
        assertEquals("", Files.readString(runDir.resolve(RunLock.FILE)), "released: emptied, never deleted");
        try (RunLock again = RunLock.acquire(runDir, "calm train")) {
            assertTrue(Files.readString(again.file()).contains("calm train"));
        }
    }

    @Test
    void aLockFileLeftByADeadProcessIsTakenOver(@TempDir Path dir) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Files.writeString(runDir.resolve(RunLock.FILE), "{\"pid\":999999999,\"host\":\"h\",\"command\":\"calm "
                + "quickstart\",\"since\":\"2026-01-01T00:00:00Z\"}\n");
        try (RunLock lock = RunLock.acquire(runDir, "calm train-ae")) {
            assertTrue(Files.readString(lock.file()).contains("calm train-ae"));
        }
    }

    @Test
    void aRunDirectoryUnderAFileCannotBeCreated(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        CalmException e = assertThrows(CalmException.class, () -> RunLock.acquire(file.resolve("run"), "calm x"));
        assertTrue(e.getMessage().startsWith("cannot create the run directory " + file.resolve("run")), e.getMessage());
    }
}
