/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.io.DType;
import dev.calm.core.nn.Init;
import dev.calm.core.nn.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic checkpoints: complete or absent, a {@code latest} that never names a broken one, pruning. */
class CheckpointStoreTest {

    private static TrainerState state(long step) {
        return new TrainerState(step, step, 1, step, step * 4, 0, step * 36, step * 0.5, TrainConfig.defaults(100));
    }

    /** A module with one parameter that was never initialised: saving it fails halfway through a checkpoint. */
    private static final class Broken extends Module {
        Broken() {
            parameter("x", new Shape(1), Init.ZEROS, true);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesCompleteCheckpointsAndKeepsTheNewestN(@TempDir Path run) throws IOException {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1, 2}, new float[] {3, 4});
            model.initialize(root, new Rng(0));
            CheckpointStore store = new CheckpointStore(run);
            assertEquals(Optional.empty(), store.latest());
            try (AdamW opt = new AdamW(model, root, 0.9, 0.95, 1e-8, 0.1)) {
                for (long step : new long[] {10, 20, 30}) {
                    Path saved = store.save(model, opt, state(step), DType.F32, 2);
                    assertEquals(run.resolve("checkpoints").resolve(CheckpointStore.name(step)), saved);
                    assertEquals(saved, store.latest().orElseThrow());
                    assertEquals(List.of("model.safetensors", "optimizer.safetensors", "trainer_state.json"),
                            names(saved));
                }
            }
            assertEquals(List.of("latest", "step-00000020", "step-00000030"), names(store.directory()));
            assertEquals("step-00000030", Files.readString(store.directory().resolve("latest")).trim());
            assertEquals(state(30), CheckpointStore.readState(store.latest().orElseThrow()));
        }
    }

    @Test
    void aCrashMidSaveLeavesThePreviousCheckpointLatest(@TempDir Path run) throws IOException {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1, 2}, new float[] {3, 4});
            model.initialize(root, new Rng(0));
            CheckpointStore store = new CheckpointStore(run);
            try (AdamW opt = new AdamW(model, root, 0.9, 0.95, 1e-8, 0.1)) {
                Path first = store.save(model, opt, state(5), DType.F32, 3);
                assertThrows(IllegalStateException.class, () -> store.save(new Broken(), opt, state(6), DType.F32, 3));
                assertEquals(first, store.latest().orElseThrow());
                assertEquals(List.of("latest", "step-00000005"), names(store.directory()), "the failed save left nothing");
            }
        }
    }

    @Test
    void leftoversOfAKilledSaveAreIgnoredAndCleaned(@TempDir Path run) throws IOException {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.Pair model = new TinyModels.Pair(new float[] {1, 2}, new float[] {3, 4});
            model.initialize(root, new Rng(0));
            CheckpointStore store = new CheckpointStore(run);
            Path good;
            try (AdamW opt = new AdamW(model, root, 0.9, 0.95, 1e-8, 0.1)) {
                good = store.save(model, opt, state(4), DType.F32, 3);
            }
            // a kill while writing step 8: its temporary directory holds a model file only
            Path temp = store.directory().resolve(".tmp-step-00000008-1f2e");
            Files.createDirectories(temp);
            Files.copy(good.resolve(CheckpointStore.MODEL), temp.resolve(CheckpointStore.MODEL));
            // a hand-made, incomplete step directory and a latest pointer naming it
            Path incomplete = Files.createDirectories(store.directory().resolve("step-00000009"));
            Files.copy(good.resolve(CheckpointStore.MODEL), incomplete.resolve(CheckpointStore.MODEL));
            Files.writeString(store.directory().resolve("latest"), "step-00000009\n");
            assertEquals(good, store.latest().orElseThrow(), "only complete checkpoints are picked");
            CalmException e = assertThrows(CalmException.class, () -> CheckpointStore.readState(incomplete));
            assertEquals("checkpoint " + incomplete + " is incomplete: missing optimizer.safetensors, trainer_state.json",
                    e.getMessage());
            // a crash between the rename of step 12 and the pointer update: the newer complete one wins
            try (AdamW opt = new AdamW(model, root, 0.9, 0.95, 1e-8, 0.1)) {
                Path newer = store.save(model, opt, state(12), DType.F32, 5);
                Files.writeString(store.directory().resolve("latest"), "step-00000004\n");
                assertEquals(newer, store.latest().orElseThrow());
            }
            store.cleanTemporaries();
            assertFalse(Files.exists(temp));
            assertTrue(Files.isDirectory(incomplete), "only temporary directories are removed");
        }
    }
}
