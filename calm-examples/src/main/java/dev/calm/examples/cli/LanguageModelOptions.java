/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import picocli.CommandLine.Option;

/**
 * The language-model stages' options, shared by {@code calm quickstart} and {@code calm train} (each has its own
 * {@code --lm-minutes}: a share of the run's budget in the one, a plain budget in the other).
 */
final class LanguageModelOptions {

    @Option(names = "--lm-steps", defaultValue = "0", description = "optimizer steps of each language model; 0 trains "
            + "until --lm-minutes is spent (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--lm-batch", defaultValue = "16", description = "language-model blocks of 256 tokens per step (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--calm-lr", defaultValue = "3e-3", description = "CALM learning rate (default: ${DEFAULT-VALUE})")
    private double calmLearningRate;

    @Option(names = "--calm-head-blocks", defaultValue = "1", description = "residual blocks of CALM's energy head "
            + "(num_mlp_layers; the paper's CALM-M has 4) (default: ${DEFAULT-VALUE})")
    private int calmHeadBlocks;

    @Option(names = "--baseline-lr", defaultValue = "1e-3", description = "token baseline learning rate (default: ${DEFAULT-VALUE})")
    private double baselineLearningRate;

    /**
     * @param minutes the budget of each model, checked here too
     * @return what is wrong with the options, or null
     */
    String problem(double minutes) {
        if (!(minutes >= 0) || steps < 0 || batch < 1 || calmHeadBlocks < 1 || !(calmLearningRate > 0)
                || !(baselineLearningRate > 0)) {
            return "--lm-minutes and --lm-steps must be >= 0, --lm-batch and --calm-head-blocks >= 1, --calm-lr and "
                    + "--baseline-lr > 0";
        }
        return null;
    }

    /**
     * @param minutes the budget of each model
     * @param seed the run's seed
     * @param checkpoints how often the stage saves a checkpoint
     * @return the stage's options
     */
    LanguageModelStage.Options stage(double minutes, long seed, CheckpointOptions checkpoints) {
        return new LanguageModelStage.Options(minutes, steps, batch, seed, checkpoints.every());
    }

    /**
     * @param model {@link RunModels#CALM} or {@link RunModels#BASELINE}
     * @return its learning rate
     */
    double learningRate(String model) {
        return model.equals(RunModels.CALM) ? calmLearningRate : baselineLearningRate;
    }

    /** @return residual blocks of CALM's energy head */
    int calmHeadBlocks() {
        return calmHeadBlocks;
    }
}
