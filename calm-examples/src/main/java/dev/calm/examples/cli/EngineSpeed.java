/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.StepScope;
import java.util.function.Supplier;

/**
 * The engine's own speed on this machine, measured in the same run as the models it is a yardstick for: the
 * matmul rate (for MFU) and the memory bandwidth of a large copy (for the bound of a decode step that reads
 * every weight once). Each figure is the best of a few rounds, as a peak is.
 */
final class EngineSpeed {

    private static final int ROUNDS = 3;
    private static final double ROUND_SECONDS = 0.25;

    private EngineSpeed() {}

    /**
     * FP32 matmul rate of [m, k] x [k, n] on the engine's current threads.
     *
     * @return GFLOP/s, counting 2 m k n per product
     */
    static double matmulGflops(NDManager root, long m, long k, long n) {
        try (StepScope scope = StepScope.open(root)) {
            NDManager s = scope.manager();
            NDArray a = s.randomNormal(new Shape(m, k));
            NDArray b = s.randomNormal(new Shape(k, n));
            double seconds = bestSecondsPerCall(() -> a.matMul(b));
            return 2.0 * m * k * n / seconds / 1e9;
        }
    }

    /**
     * Memory bandwidth of an in-place copy of a buffer far larger than the caches, on {@code threads} intra-op
     * threads (the previous count is restored).
     *
     * @param bytes the size of the buffer copied
     * @param threads intra-op threads during the copy
     * @return GB/s of memory traffic: the bytes read plus the bytes written, per second
     */
    static double copyGigabytesPerSecond(NDManager root, long bytes, int threads) {
        try (Backend.ThreadScope t = Backend.threads(threads); StepScope scope = StepScope.open(root)) {
            NDManager s = scope.manager();
            long floats = bytes / Float.BYTES;
            NDArray src = s.ones(new Shape(floats));
            NDArray dst = s.zeros(new Shape(floats)); // touched once here, so no page faults are timed
            double seconds = bestSecondsPerCall(() -> {
                Backend.write(dst, 0, 0, src);
                return null;
            });
            return 2.0 * floats * Float.BYTES / seconds / 1e9;
        }
    }

    /** The best, over rounds, of the mean time of one call, each round repeating it for a quarter second. */
    private static double bestSecondsPerCall(Supplier<NDArray> call) {
        for (int i = 0; i < 2; i++) {
            close(call.get()); // warm-up
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            int calls = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                close(call.get());
                calls++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < ROUND_SECONDS * 1e9 || calls < 3);
            best = Math.min(best, elapsed / 1e9 / calls);
        }
        return best;
    }

    private static void close(NDArray a) {
        if (a != null) {
            a.close();
        }
    }
}
