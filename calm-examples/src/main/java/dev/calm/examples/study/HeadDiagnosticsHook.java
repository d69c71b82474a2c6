/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.diagnostics.HeadDiagnostics;
import dev.calm.energy.Calm;
import dev.calm.training.StepMetrics;
import dev.calm.training.TrainingContext;
import dev.calm.training.TrainingHook;

/**
 * Logs {@link HeadDiagnostics} of a CALM being trained into {@code metrics.jsonl} every {@code every} steps
 * ({@code head_distance_true}, {@code head_distance_random}, {@code head_on_manifold}, {@code head_brier1},
 * {@code head_first_token_accuracy}, {@code head_chunk_accuracy}, and {@code head_accuracy_n} and
 * {@code head_collision_n} for n = 1..K), on the same held-out blocks and with the same noise each time, so the
 * curves move with the model and not with the sample. It lives here, above calm-training and calm-eval, so that
 * calm-training does not depend on the evaluation module.
 *
 * <pre>{@code
 * trainer.addHook(new HeadDiagnosticsHook(calm, heldOut.sample(32), 100, seed));
 * }</pre>
 */
public final class HeadDiagnosticsHook implements TrainingHook {

    private final Calm calm;
    private final int[][] blocks;
    private final int every;
    private final long seed;

    /**
     * @param calm the model being trained
     * @param blocks held-out blocks, a multiple of K tokens and at least 2K long
     * @param every steps between two measurements, &gt; 0
     * @param seed seed of the head's noise and of the random chunks, the same at every measurement
     */
    public HeadDiagnosticsHook(Calm calm, int[][] blocks, int every, long seed) {
        if (every < 1) {
            throw new CalmException("head diagnostics need an interval of at least 1 step, got " + every);
        }
        this.calm = calm;
        this.blocks = blocks;
        this.every = every;
        this.seed = seed;
    }

    /** @return the diagnostics now, with this hook's blocks and noise */
    public HeadDiagnostics measure() {
        return HeadDiagnostics.measure(calm, blocks, 8, new Rng(seed).fork("head diagnostics"));
    }

    @Override
    public void onStep(StepMetrics metrics, TrainingContext context) {
        if (metrics.step() % every == 0) {
            measure().metrics().forEach(context::record);
        }
    }
}
