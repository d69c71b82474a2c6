/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.energy.EnergyFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exact resume after a kill, checkpoints of another model, and the NaN guard. */
class ResumeTest {

    private static final int STEPS = 12;

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    private static TrainConfig config() {
        return Runs.config(STEPS).checkpointEvery(4).keepCheckpoints(2).build();
    }

    @Test
    void aKilledAndResumedRunMatchesAnUninterruptedOneExactly(@TempDir Path dir) {
        Path whole = dir.resolve("whole");
        Path killed = dir.resolve("killed");
        float[] wholeWeights;
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0.2f); // dropout draws from the Rng
            new Trainer(lm, Runs.data(4), config(), whole).fit();
            wholeWeights = Runs.weights(lm.model());
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0.2f);
            Trainer trainer = new Trainer(lm, Runs.data(4), config(), killed);
            trainer.addHook(Runs.killAt(10));
            assertThrows(Runs.Killed.class, trainer::fit);
            assertEquals(killed.resolve("checkpoints/step-00000008"),
                    new CheckpointStore(killed).latest().orElseThrow());
            assertEquals(9, Runs.lines(killed).size(), "steps 1-9 were logged before the kill");
        }
        float[] resumedWeights;
        try (NDManager root = Backend.newManager(Device.cpu())) {
            // a new process: fresh model and data source, state from the checkpoint
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 99, 0.2f);
            TrainResult r = new Trainer(lm, Runs.data(4), config().toBuilder().resume(true).build(), killed).fit();
            assertEquals(STEPS, r.steps());
            assertEquals(STEPS * 4L * 9, r.tokensSeen());
            resumedWeights = Runs.weights(lm.model());
        }
        List<JsonNode> a = Runs.lines(whole);
        List<JsonNode> b = Runs.lines(killed);
        assertEquals(STEPS, b.size(), "each step once in metrics.jsonl");
        for (int i = 0; i < STEPS; i++) {
            assertEquals(i + 1, b.get(i).get("step").asLong());
            for (String key : new String[] {"loss", "ce", "hidden_rms", "lr", "grad_norm"}) {
                assertEquals(a.get(i).get(key).asDouble(), b.get(i).get(key).asDouble(), 0,
                        key + " at step " + (i + 1));
            }
        }
        assertArrayEquals(wholeWeights, resumedWeights, 0f);
        // keep_checkpoints 2: steps 8 and 12 remain
        assertEquals(List.of(killed.resolve("checkpoints/step-00000008"), killed.resolve("checkpoints/step-00000012")),
                new CheckpointStore(killed).checkpoints());
    }

    /**
     * The autoencoder's and CALM's objectives draw several random streams per step (token masking, posterior
     * noise, latent dropout and random chunks; the head's noise and the posterior's target samples): killed at
     * step 10 and resumed from step 8 in a fresh model initialised differently, each ends with the losses,
     * metrics and weights of an uninterrupted run, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"autoencoder", "calm"})
    void theAutoencoderAndCalmObjectivesResumeExactly(String objective, @TempDir Path dir) {
        Path whole = dir.resolve("whole");
        Path killed = dir.resolve("killed");
        float[] wholeWeights;
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Objective o = objective(objective, root, 1);
            new Trainer(o, Runs.chunkData(4), config(), whole).fit();
            wholeWeights = Runs.weights(o.model());
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Trainer trainer = new Trainer(objective(objective, root, 1), Runs.chunkData(4), config(), killed);
            trainer.addHook(Runs.killAt(10));
            assertThrows(Runs.Killed.class, trainer::fit);
        }
        float[] resumedWeights;
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Objective o = objective(objective, root, 99);
            TrainResult r = new Trainer(o, Runs.chunkData(4), config().toBuilder().resume(true).build(), killed)
                    .fit();
            assertEquals(STEPS, r.steps());
            resumedWeights = Runs.weights(o.model());
        }
        List<JsonNode> a = Runs.lines(whole);
        List<JsonNode> b = Runs.lines(killed);
        assertEquals(STEPS, b.size(), "each step once in metrics.jsonl");
        for (int i = 0; i < STEPS; i++) {
            List<String> keys = new ArrayList<>();
            a.get(i).fieldNames().forEachRemaining(keys::add);
            keys.removeAll(List.of("tokens_per_s", "elapsed_s")); // wall-clock fields
            assertTrue(keys.contains("loss") && keys.size() > 3, keys.toString());
            for (String key : keys) {
                assertEquals(a.get(i).get(key).asDouble(), b.get(i).get(key).asDouble(), 0,
                        objective + ": " + key + " at step " + (i + 1));
            }
        }
        assertArrayEquals(wholeWeights, resumedWeights, 0f, objective);
    }

    /**
     * @param initSeed the trained model's initialisation (CALM's autoencoder, frozen and not checkpointed with it,
     *     is the same in every process)
     */
    private static Objective objective(String name, NDManager root, long initSeed) {
        if (name.equals("autoencoder")) {
            return new AutoencoderObjective(TinyModels.tinyAutoencoder(root, initSeed), 0.1);
        }
        return new CalmObjective(EnergyFixtures.calm(TinyModels.tinyAutoencoder(root, 1), root, initSeed));
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStartsOverWithACleanLog(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Trainer trainer = new Trainer(new TinyModels.LanguageModel(root, 1, 0), Runs.data(4), Runs.config(4).build(),
                    dir);
            trainer.addHook(Runs.killAt(3));
            assertThrows(Runs.Killed.class, trainer::fit);
            assertEquals(2, Runs.lines(dir).size());
            assertTrue(new CheckpointStore(dir).latest().isEmpty());
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            new Trainer(new TinyModels.LanguageModel(root, 1, 0), Runs.data(4), Runs.config(4).build(), dir)
                    .fit(true);
        }
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0), Runs.column(dir, "step"));
    }

    @Test
    void resumingWithALargerMaxStepsContinuesTheSameRun(@TempDir Path dir) {
        Path whole = dir.resolve("whole");
        Path split = dir.resolve("split");
        try (NDManager root = Backend.newManager(Device.cpu())) {
            new Trainer(new TinyModels.LanguageModel(root, 1, 0.2f), Runs.data(4), Runs.config(8).build(), whole)
                    .fit();
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            new Trainer(new TinyModels.LanguageModel(root, 1, 0.2f), Runs.data(4), Runs.config(5).build(), split)
                    .fit();
        }
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TrainResult r = new Trainer(new TinyModels.LanguageModel(root, 1, 0.2f), Runs.data(4), Runs.config(8).build(),
                    split).fit(true);
            assertEquals(8, r.steps());
        }
        assertEquals(Runs.column(whole, "loss"), Runs.column(split, "loss"));
        TrainerState state = CheckpointStore.readState(split.resolve("checkpoints/step-00000008"));
        assertEquals(8, state.optimizerStep());
        assertEquals(8 * 4, state.dataPosition());
        assertEquals(8, state.config().maxSteps());
    }

    @Test
    void aCheckpointOfAnotherModelIsRejectedAndKept(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            new Trainer(new TinyModels.LanguageModel(root, 1, 0), Runs.data(4), Runs.config(2).build(), dir).fit();
            TinyModels.Pair pair = new TinyModels.Pair(new float[] {1, 2}, new float[] {3, 4});
            pair.initialize(root, new Rng(0));
            Objective other = new Objective() {
                @Override
                public dev.calm.core.nn.Module model() {
                    return pair;
                }

                @Override
                public TrainingLoss loss(ai.djl.ndarray.NDArray batch, Rng rng) {
                    return TrainingLoss.of(pair.w.array().square().sum());
                }
            };
            CalmException e = assertThrows(CalmException.class,
                    () -> new Trainer(other, Runs.data(4), Runs.config(4).build(), dir).fit(true));
            assertTrue(e.getMessage().startsWith("checkpoint " + dir.resolve("checkpoints/step-00000002/model.safetensors")
                    + " does not match Pair: missing [b, w]; unexpected [embed_tokens.weight"), e.getMessage());
            assertTrue(Files.isRegularFile(dir.resolve("checkpoints/step-00000002/model.safetensors")));
            assertEquals(2, Runs.lines(dir).size(), "nothing already saved is deleted");
        }
    }

    @Test
    void isolatedNonFiniteStepsAreSkipped(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            Objective nan = new TinyModels.NaNAt(lm, Set.of(3, 5));
            TrainResult r = new Trainer(nan, Runs.data(4), Runs.config(8).build(), dir).fit();
            assertEquals(8, r.steps());
            List<JsonNode> lines = Runs.lines(dir);
            for (JsonNode line : lines) {
                long step = line.get("step").asLong();
                assertEquals(step == 3 || step == 5, line.has("skipped"), "step " + step);
                assertEquals(step == 3 || step == 5, Double.isNaN(line.get("loss").asDouble()), "step " + step);
            }
            TrainerState state = CheckpointStore.readState(r.lastCheckpoint());
            assertEquals(8, state.step());
            assertEquals(6, state.optimizerStep(), "skipped steps leave the optimizer untouched");
            assertEquals(0, state.consecutiveBadSteps());
            assertAllFinite(r.lastCheckpoint());
        }
    }

    @Test
    void aRunOfNonFiniteStepsStopsWithoutWritingNaNWeights(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            Objective nan = new TinyModels.NaNAt(lm, Set.of(2, 4, 5, 6, 7));
            TrainConfig c = Runs.config(20).checkpointEvery(3).maxBadSteps(4).build();
            CalmException e = assertThrows(CalmException.class, () -> new Trainer(nan, Runs.data(4), c, dir).fit());
            assertEquals("loss is not finite for 4 consecutive steps (last at step 7); last good checkpoint: "
                    + dir.resolve("checkpoints/step-00000006"), e.getMessage());
            assertEquals(List.of(dir.resolve("checkpoints/step-00000003"), dir.resolve("checkpoints/step-00000006")),
                    new CheckpointStore(dir).checkpoints());
            for (Path checkpoint : new CheckpointStore(dir).checkpoints()) {
                assertAllFinite(checkpoint);
            }
            for (float v : Runs.weights(lm.model())) {
                assertTrue(Float.isFinite(v), "weights in memory stay finite");
            }
            assertFalse(Files.exists(dir.resolve("checkpoints/step-00000007")));
        }
    }

    @Test
    void trainerStateIsReadableJson(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0.2f);
            TrainConfig c = Runs.config(3).checkpointFormat(DType.BF16).build();
            TrainResult r = new Trainer(lm, Runs.data(4), c, dir).fit();
            TrainerState s = Json.read(r.lastCheckpoint().resolve(CheckpointStore.STATE), TrainerState.class);
            assertEquals(c, s.config());
            assertEquals(3 * 4, s.dataPosition());
            assertEquals(3 * 4 * 9, s.tokensSeen());
            assertTrue(s.rngDraws() == 3, "one dropout draw per step, got " + s.rngDraws());
            try (SafeTensorsReader model = SafeTensorsReader.open(r.lastCheckpoint().resolve(CheckpointStore.MODEL))) {
                assertEquals(DType.BF16, model.info("norm.weight").dtype());
            }
        }
    }

    private static void assertAllFinite(Path checkpoint) {
        for (String file : new String[] {CheckpointStore.MODEL, CheckpointStore.OPTIMIZER}) {
            try (SafeTensorsReader reader = SafeTensorsReader.open(checkpoint.resolve(file))) {
                for (String name : reader.names()) {
                    for (float v : reader.readFloats(name)) {
                        assertTrue(Float.isFinite(v), name + " in " + checkpoint);
                    }
                }
            }
        }
    }
}
