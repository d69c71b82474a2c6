/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.Backend;
import dev.calm.core.TokenFixtures;
import dev.calm.core.nn.Module;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Configs and readers shared by the trainer's tests. */
final class Runs {

    private Runs() {}

    /**
     * One intra-op thread: tiny models are bound by per-op overhead, and on a shared 2-core machine two OpenMP
     * threads made a step up to 50 times slower (measured: 9 ms vs 600 ms per step under load).
     */
    static void oneThread() {
        Backend.setThreads(1);
    }

    /** A quiet config for tests: no progress bar, a line per step, checkpoints only at the end. */
    static TrainConfig.Builder config(int maxSteps) {
        return TrainConfig.defaults(maxSteps).toBuilder()
                .seed(11)
                .learningRate(1e-2)
                .warmupSteps(2)
                .logEvery(1)
                .checkpointEvery(0)
                .progressBar(false);
    }

    /** The tiny language model's blocks: 32 counting sequences of 9 tokens. */
    static ShuffledBlocks data(int batchSize) {
        return new ShuffledBlocks(TokenFixtures.countingBlocks(32, 9, 16), batchSize, 5);
    }

    /** The tiny CALM's blocks: 32 counting sequences of 16 tokens (4 chunks of K 4) over 16 ids. */
    static ShuffledBlocks chunkData(int batchSize) {
        return new ShuffledBlocks(TokenFixtures.countingBlocks(32, 16, 16), batchSize, 5);
    }

    /** Thrown by {@link #killAt} to simulate the process being killed. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** @return a hook that "kills the process" (throws {@link Killed}) right after the given step */
    static TrainingHook killAt(long step) {
        return new TrainingHook() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == step) {
                    throw new Killed();
                }
            }
        };
    }

    /** @return the metrics lines of a run */
    static List<JsonNode> lines(Path runDir) {
        return new MetricsLog(runDir).read();
    }

    /** @return one field of every metrics line */
    static List<Double> column(Path runDir, String key) {
        List<Double> out = new ArrayList<>();
        for (JsonNode line : lines(runDir)) {
            out.add(line.get(key).asDouble());
        }
        return out;
    }

    /** @return every parameter value of a model, concatenated in name order */
    static float[] weights(Module model) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (NDArray a : model.stateDict().values()) {
            float[] v = a.toFloatArray();
            parts.add(v);
            n += v.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] v : parts) {
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }
}
