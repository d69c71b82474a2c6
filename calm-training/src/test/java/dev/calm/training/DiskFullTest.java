/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.io.DType;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A disk that fills up during a run (an in-memory file system with a size limit, Jimfs, so that the write fails
 * part-way exactly as on a full disk): the checkpoint or model being written fails with a clear error, the
 * previous checkpoint stays complete and byte for byte as it was, nothing temporary is left, and once there is
 * room again the run resumes from that checkpoint to the same weights as a run that never hit the wall.
 */
class DiskFullTest {

    private static final int STEPS = 6;
    /** Room left once the disk is "full": enough for a metrics line, not for a checkpoint of the tiny model. */
    private static final long LEFT = 16 * 1024;

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    private static FileSystem smallDisk() {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder().setMaxSize(16L << 20).setBlockSize(1024).build());
    }

    private static TrainConfig config(boolean resume) {
        return Runs.config(STEPS).checkpointEvery(2).keepCheckpoints(2).resume(resume).build();
    }

    @Test
    void aCheckpointThatRunsOutOfSpaceLeavesThePreviousOneIntactAndTheRunResumes() throws Exception {
        float[] uninterrupted;
        try (FileSystem disk = smallDisk(); NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            new Trainer(lm, Runs.data(4), config(false), disk.getPath("/whole")).fit();
            uninterrupted = Runs.weights(lm.model());
        }
        try (FileSystem disk = smallDisk()) {
            Path run = disk.getPath("/run");
            Path filler = disk.getPath("/filler");
            Map<String, byte[]> atStep2 = new TreeMap<>();
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
                Trainer trainer = new Trainer(lm, Runs.data(4), config(false), run);
                trainer.addHook(new TrainingHook() {
                    @Override
                    public void onCheckpoint(Path checkpoint, TrainingContext context) {
                        if (checkpoint.getFileName().toString().equals(CheckpointStore.name(2))) {
                            atStep2.putAll(contents(checkpoint));
                            fill(filler, LEFT);
                        }
                    }
                });
                CalmException e = assertThrows(CalmException.class, trainer::fit);
                assertTrue(e.getMessage().startsWith("cannot write checkpoint " + run.resolve("checkpoints")
                        .resolve(CheckpointStore.name(4))), e.getMessage());
                assertTrue(e.getMessage().contains("out of disk space"), e.getMessage());
            }
            CheckpointStore store = new CheckpointStore(run);
            Path previous = store.latest().orElseThrow();
            assertEquals(CheckpointStore.name(2), previous.getFileName().toString());
            assertEquals(CheckpointStore.name(2) + "\n", Files.readString(store.directory().resolve(CheckpointStore.LATEST)));
            Map<String, byte[]> now = contents(previous);
            assertEquals(atStep2.keySet(), now.keySet());
            atStep2.forEach((name, bytes) -> assertArrayEquals(bytes, now.get(name), name + " unchanged"));
            try (Stream<Path> entries = Files.list(store.directory())) {
                assertEquals(0, entries.filter(p -> p.getFileName().toString().startsWith(".")).count(),
                        "no temporary checkpoint left");
            }

            Files.delete(filler); // room again: the same run resumes from step 2
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 7, 0);
                TrainResult r = new Trainer(lm, Runs.data(4), config(true), run).fit();
                assertEquals(STEPS, r.steps());
                assertArrayEquals(uninterrupted, Runs.weights(lm.model()));
            }
        }
    }

    @Test
    void aModelThatRunsOutOfSpaceLeavesThePreviousFileIntact() throws Exception {
        try (FileSystem disk = smallDisk(); NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            Path model = Files.createDirectories(disk.getPath("/run")).resolve("model.safetensors");
            lm.model().save(model, DType.F32);
            byte[] before = Files.readAllBytes(model);
            fill(disk.getPath("/filler"), LEFT);
            CalmException e = assertThrows(CalmException.class, () -> lm.model().save(model, DType.F32));
            assertEquals("cannot write " + model + ": out of disk space", e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(model));
            try (Stream<Path> entries = Files.list(model.getParent())) {
                assertEquals(1, entries.count(), "no temporary file left");
            }
        }
    }

    /** Fills the file system until only {@code left} bytes are free. */
    private static void fill(Path filler, long left) {
        try {
            long free = Files.getFileStore(filler.getParent()).getUsableSpace();
            Files.write(filler, new byte[(int) Math.max(0, free - left)]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> contents(Path checkpoint) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(checkpoint)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
