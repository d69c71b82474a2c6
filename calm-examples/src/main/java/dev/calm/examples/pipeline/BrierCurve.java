/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.Rng;
import dev.calm.energy.StepModel;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.training.TrainingContext;

/**
 * BrierLM during training, for the curve of BrierLM against training FLOPs: the same held-out blocks and the same
 * seed at every point, so that the curve moves with the model and not with the sample. It records
 * {@code val_brier1} to {@code val_brier4} in {@code metrics.jsonl}, and {@code val_brierlm} when it is defined.
 */
final class BrierCurve {

    /** Blocks per forward pass. */
    private static final int BATCH = 8;

    private final BrierEvaluator evaluator;
    private final int[][] blocks;
    private final long seed;

    /**
     * @param model the model being trained
     * @param blocks held-out blocks
     * @param seed seed of the model's samples, the same at every point
     */
    BrierCurve(StepModel model, int[][] blocks, long seed) {
        this.evaluator = BrierEvaluator.lowestVariance(model, BrierStage.SAMPLES);
        this.blocks = blocks;
        this.seed = seed;
    }

    /** @param context the step to record into */
    void record(TrainingContext context) {
        BrierLM.Result r = evaluator.evaluate(blocks, BATCH, new Rng(seed).fork("brier curve"));
        for (int n = 0; n < r.brier().length; n++) {
            context.record("val_brier" + (n + 1), r.brier()[n]);
        }
        if (r.defined()) {
            context.record("val_brierlm", r.brierLM());
        }
    }
}
