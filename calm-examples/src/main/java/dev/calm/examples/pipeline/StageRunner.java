/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.io.DType;
import dev.calm.core.nn.Module;
import dev.calm.training.BatchSource;
import dev.calm.training.Objective;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainResult;
import dev.calm.training.Trainer;
import dev.calm.training.TrainingHook;
import java.nio.file.Path;
import java.util.List;

/**
 * The sequence every training stage shares: run the {@link Trainer} in the stage's directory under a Ctrl-C watch
 * ({@link Interruption}: an interrupted stage saves its checkpoint and goes no further), then save the trained
 * weights as {@value #WEIGHTS} and the model's config beside them ({@link ModelConfigFile}). The stages differ only
 * in their plan, their monitoring hooks and what they report.
 *
 * @param dir the stage's directory: checkpoints, {@code metrics.jsonl}, weights and config
 * @param type the model type recorded in the config ("autoencoder", "calm", "baseline")
 */
record StageRunner(Path dir, String type) {

    /** The trained weights' file in the stage's directory. */
    static final String WEIGHTS = "model.safetensors";

    /**
     * Trains {@code model} to the end of its plan (or resumes it from the latest checkpoint), then saves it.
     *
     * @param model the model being trained
     * @param config its config, saved beside the weights
     * @param objective how it is trained
     * @param data the training batches
     * @param plan the stage's plan
     * @param hooks the stage's monitoring hooks, called before the Ctrl-C watch
     * @return what the trainer returned
     */
    TrainResult train(Module model, Object config, Objective objective, BatchSource data, TrainConfig plan,
            List<TrainingHook> hooks) {
        TrainResult result;
        try (Interruption interruption = Interruption.watch()) {
            Trainer trainer = new Trainer(objective, data, plan, dir);
            hooks.forEach(trainer::addHook);
            result = trainer.addHook(interruption).fit();
            interruption.checkCompleted(result, dir);
        }
        model.save(weights(), DType.F32);
        ModelConfigFile.write(dir, type, config);
        return result;
    }

    /** @return the stage's {@value #WEIGHTS} */
    Path weights() {
        return dir.resolve(WEIGHTS);
    }
}
