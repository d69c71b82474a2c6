/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.nn.TrainingLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop on a tiny language model: learning, accumulation, reproducibility, memory, hooks, budgets. */
class TrainerTest {

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    @Test
    void aTinyTransformerLearnsToCount(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            TrainResult r = new Trainer(lm, Runs.data(8), Runs.config(40).build(), dir).fit();
            List<Double> loss = Runs.column(dir, "loss");
            assertEquals(40, loss.size());
            assertEquals(40, r.steps());
            assertEquals(40L * 8 * 9, r.tokensSeen());
            assertEquals(TrainResult.StopReason.MAX_STEPS, r.stopReason());
            assertEquals(dir.resolve("checkpoints/step-00000040"), r.lastCheckpoint());
            // ln 16 = 2.77 at the start; counting mod 16 is learnt within a few dozen steps
            assertEquals(Math.log(16), loss.get(0), 0.3);
            assertTrue(r.finalLoss() < 0.3 * loss.get(0), "loss " + loss.get(0) + " -> " + r.finalLoss());
            assertEquals(r.finalLoss(), loss.get(39), 0);
            JsonNode first = Runs.lines(dir).get(0);
            List<String> keys = new ArrayList<>();
            first.fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("step", "loss", "ce", "hidden_rms", "lr", "grad_norm", "tokens_per_s", "elapsed_s"),
                    keys);
            assertEquals(0, first.get("lr").asDouble(), 0, "warm-up starts at 0 as in Hugging Face");
            assertEquals(5e-3, Runs.lines(dir).get(1).get("lr").asDouble(), 1e-12);
            assertEquals(first.get("loss").asDouble(), first.get("ce").asDouble(), 0);
        }
    }

    @Test
    void aRunWithoutCheckpointsTrainsTheSameAndWritesNone(@TempDir Path dir) {
        List<List<Double>> runs = new ArrayList<>();
        for (boolean checkpoints : new boolean[] {true, false}) {
            Path run = dir.resolve("run" + checkpoints);
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
                Trainer trainer = new Trainer(lm, Runs.data(4), Runs.config(6).checkpointEvery(2).build(), run);
                TrainResult r = (checkpoints ? trainer : trainer.withoutCheckpoints()).fit();
                assertEquals(6, r.steps());
                assertEquals(checkpoints ? 3 : 0, trainer.checkpoints().checkpoints().size(), "checkpoints " + checkpoints);
                assertEquals(checkpoints, r.lastCheckpoint() != null);
            }
            runs.add(Runs.column(run, "loss"));
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    @Test
    void theSameSeedGivesTheSameLossesBitForBit(@TempDir Path dir) {
        List<List<Double>> runs = new ArrayList<>();
        for (long seed : new long[] {3, 3, 4}) {
            Path run = dir.resolve("run" + runs.size());
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0.2f);
                new Trainer(lm, Runs.data(4), Runs.config(6).seed(seed).build(), run).fit();
            }
            runs.add(Runs.column(run, "loss"));
        }
        assertEquals(runs.get(0), runs.get(1));
        assertNotEquals(runs.get(0), runs.get(2), "another seed draws other dropout masks");
    }

    @Test
    void accumulatingTwoBatchesOfTwoEqualsOneBatchOfFour(@TempDir Path dir) {
        float[][] weights = new float[2][];
        List<List<Double>> losses = new ArrayList<>();
        int[][] shapes = {{4, 1}, {2, 2}}; // {batch, accumulation}
        for (int i = 0; i < 2; i++) {
            Path run = dir.resolve("run" + i);
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
                TrainConfig c = Runs.config(4).gradAccumulation(shapes[i][1]).build();
                TrainResult r = new Trainer(lm, Runs.data(shapes[i][0]), c, run).fit();
                assertEquals(4L * 4 * 9, r.tokensSeen());
                weights[i] = Runs.weights(lm.model());
            }
            losses.add(Runs.column(run, "loss"));
        }
        assertArrayEquals(weights[0], weights[1], 1e-5f);
        for (int s = 0; s < 4; s++) {
            assertEquals(losses.get(0).get(s), losses.get(1).get(s), 1e-5, "step " + (s + 1));
        }
    }

    @Test
    void gradientsLeftFromBeforeTheRunAreDropped(@TempDir Path dir) {
        List<List<Double>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path run = dir.resolve("run" + i);
            try (NDManager root = Backend.newManager(Device.cpu())) {
                TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
                if (i == 1) { // a backward pass outside the trainer leaves gradients behind
                    try (StepScope scope = StepScope.open(root, lm.model());
                            GradientCollector gc = Backend.engine().newGradientCollector()) {
                        NDArray batch = Runs.data(4).next(scope.manager());
                        gc.backward(lm.loss(batch, new Rng(0)).loss().mul(100));
                    }
                }
                new Trainer(lm, Runs.data(4), Runs.config(3).build(), run).fit();
            }
            runs.add(Runs.column(run, "grad_norm"));
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    @Test
    void liveArraysStayFlatOverHundredsOfSteps(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0.1f);
            int modelArrays = root.getManagedArrays().size();
            int[] counts = new int[301];
            Trainer trainer = new Trainer(lm, Runs.data(4), Runs.config(300).logEvery(50).checkpointEvery(100).build(),
                    dir);
            trainer.addHook(new TrainingHook() {
                @Override
                public void onStep(StepMetrics m) {
                    counts[(int) m.step()] = root.getManagedArrays().size();
                }
            });
            trainer.fit();
            assertEquals(counts[10], counts[300], "live NDArrays grew between step 10 and step 300");
            assertEquals(counts[1], counts[300]);
            int moments = 2 * lm.model().namedParameters().size();
            assertEquals(modelArrays + moments, counts[300], "only the model and the optimizer's moments stay alive");
            assertEquals(modelArrays, root.getManagedArrays().size(), "the optimizer freed its moments at the end");
            assertEquals(6, Runs.lines(dir).size());
        }
    }

    @Test
    void hooksRecordIntoTheMetricsLineAndCanStopTheRun(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            List<String> calls = new ArrayList<>();
            Trainer trainer = new Trainer(lm, Runs.data(4), Runs.config(100).logEvery(5).build(), dir);
            trainer.addHook(new TrainingHook() {
                @Override
                public void onStep(StepMetrics m, TrainingContext context) {
                    calls.add("step " + m.step());
                    if (m.step() == 3) {
                        context.record("heldout", 0.25);
                    }
                    if (m.step() == 7) {
                        context.requestStop("plateau");
                    }
                }

                @Override
                public void onCheckpoint(Path checkpoint, TrainingContext context) {
                    calls.add("checkpoint " + checkpoint.getFileName());
                }

                @Override
                public void onEnd(TrainResult result) {
                    calls.add("end " + result.stopReason());
                }
            });
            TrainResult r = trainer.fit();
            assertEquals(TrainResult.StopReason.STOP_REQUESTED, r.stopReason());
            assertEquals(7, r.steps());
            assertEquals(List.of("step 1", "step 2", "step 3", "step 4", "step 5", "step 6", "step 7",
                    "checkpoint step-00000007", "end STOP_REQUESTED"), calls);
            List<JsonNode> lines = Runs.lines(dir);
            assertEquals(List.of(3L, 5L), lines.stream().map(l -> l.get("step").asLong()).toList());
            assertEquals(0.25, lines.get(0).get("heldout").asDouble(), 0);
            assertFalse(lines.get(1).has("heldout"));
            assertTrue(Files.isDirectory(dir.resolve("checkpoints/step-00000007")));
        }
    }

    @Test
    void metricNamesMayNotShadowTheLinesOwnKeys(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            NDArray x = root.create(1f);
            CalmException blank = assertThrows(CalmException.class, () -> new TrainingLoss(x, Map.of(" ", x)));
            assertEquals("metric name ' ' is empty", blank.getMessage());
            Objective shadowing = new TinyModels.AfterForward(new TinyModels.LanguageModel(root, 1, 0)) {
                @Override
                TrainingLoss afterForward(TrainingLoss out) {
                    return new TrainingLoss(out.loss(), Map.of("lr", out.loss()));
                }
            };
            Trainer trainer = new Trainer(shadowing, Runs.data(4), Runs.config(3).build(), dir);
            CalmException e = assertThrows(CalmException.class, trainer::fit);
            assertEquals("metric name 'lr' is empty or reserved (reserved: [elapsed_s, grad_norm, loss, lr, skipped,"
                    + " step, tokens_per_s, train_flops])", e.getMessage());
        }
    }

    @Test
    void aTimeBudgetStopsCleanlyWithACheckpoint(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            TrainResult r = new Trainer(lm, Runs.data(4), Runs.config(1000).maxMinutes(1e-9).build(), dir).fit();
            assertEquals(TrainResult.StopReason.TIME_BUDGET, r.stopReason());
            assertEquals(1, r.steps());
            assertEquals(dir.resolve("checkpoints/step-00000001"), r.lastCheckpoint());
            assertEquals(r.lastCheckpoint(), new CheckpointStore(dir).latest().orElseThrow());
        }
    }

    @Test
    void anExistingRunIsNotOverwrittenWithoutResume(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TinyModels.LanguageModel lm = new TinyModels.LanguageModel(root, 1, 0);
            new Trainer(lm, Runs.data(4), Runs.config(2).build(), dir).fit();
            CalmException e = assertThrows(CalmException.class,
                    () -> new Trainer(lm, Runs.data(4), Runs.config(2).build(), dir).fit());
            assertEquals("run directory " + dir + " already holds a run (checkpoints or metrics.jsonl): resume it"
                    + " (resume: true) or choose a new directory", e.getMessage());
            assertEquals(2, Runs.lines(dir).size());
        }
    }
}
