/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.config.Json;
import dev.calm.training.CheckpointStore;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainerState;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A training stage's plan ({@code plan.json}): written when the stage starts and reused when it resumes, so that a
 * run that was interrupted continues with the same steps and schedule, and spends only what is left of its time
 * budget (the budget counts the training time of every session, as its checkpoint records it).
 */
final class StagePlan {

    /** The plan's file in the stage's directory. */
    static final String FILE = "plan.json";

    private StagePlan() {}

    /**
     * What every stage's plan shares: a metrics line every 10 steps, a checkpoint every 100, resume, a progress
     * bar, and the time budget (a step count and a schedule come from the stage).
     *
     * @param steps optimizer steps
     * @param seed seed of data order and noise
     * @param learningRate peak learning rate
     * @param minutes the stage's time budget
     * @return a builder the stage completes
     */
    static TrainConfig.Builder defaults(int steps, long seed, double learningRate, double minutes) {
        return TrainConfig.defaults(steps).toBuilder()
                .seed(seed)
                .learningRate(learningRate)
                .logEvery(10)
                .checkpointEvery(100)
                .maxMinutes(minutes)
                .resume(true)
                .progressBar(true);
    }

    /**
     * @param dir the stage's run directory
     * @param fresh the plan of a stage that starts now
     * @param out where a resumed plan is reported
     * @return the plan to train with
     */
    static TrainConfig of(Path dir, Supplier<TrainConfig> fresh, PrintWriter out) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            TrainConfig plan = fresh.get();
            Json.write(file, plan);
            return plan;
        }
        TrainConfig plan = Json.read(file, TrainConfig.class);
        double spent = new CheckpointStore(dir).latest().map(CheckpointStore::readState)
                .map(TrainerState::elapsedSeconds).orElse(0.0);
        out.printf(Locale.ROOT, "resuming the plan in %s (%.1f min of training done)%n", file, spent / 60);
        if (plan.maxMinutes() == null) {
            return plan;
        }
        double left = Math.max(Budget.MIN_STAGE_MINUTES, plan.maxMinutes() - spent / 60);
        return plan.toBuilder().maxMinutes(left).build();
    }
}
