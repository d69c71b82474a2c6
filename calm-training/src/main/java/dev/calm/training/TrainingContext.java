/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDManager;
import dev.calm.core.nn.Module;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link TrainingHook} sees of the running loop: the model, the manager its parameters live in (open a
 * {@code StepScope} under it to evaluate), the current step, and two actions: record a value into the step's
 * metrics line, and request a clean stop (a final checkpoint is saved).
 */
public final class TrainingContext {

    private final Module model;
    private final NDManager manager;
    private final Path runDir;
    private final Map<String, Double> records = new LinkedHashMap<>();
    private long step;
    private String stopReason;

    TrainingContext(Module model, NDManager manager, Path runDir) {
        this.model = model;
        this.manager = manager;
        this.runDir = runDir;
    }

    /** @return the root module being trained (the objective's model) */
    public Module model() {
        return model;
    }

    /** @return the manager the model's parameters live in */
    public NDManager manager() {
        return manager;
    }

    /** @return the run directory, which holds {@code metrics.jsonl} and {@code checkpoints/} */
    public Path runDir() {
        return runDir;
    }

    /** @return trainer steps done, counting the current one */
    public long step() {
        return step;
    }

    /**
     * Adds a value to the current step's metrics line (written even if the step is not a logging step).
     *
     * @param name the JSON key, e.g. "heldout_accuracy"
     * @param value the number written under that key in this step's line of {@code metrics.jsonl}
     * @throws dev.calm.core.CalmException if the name is empty or one of the line's own keys
     */
    public void record(String name, double value) {
        MetricsLog.checkName(name);
        records.put(name, value);
    }

    /**
     * Asks the loop to stop after this step; it saves a final checkpoint first.
     *
     * @param reason why, for the log
     */
    public void requestStop(String reason) {
        stopReason = reason == null ? "requested by a hook" : reason;
    }

    /** @return whether a hook asked to stop */
    public boolean stopRequested() {
        return stopReason != null;
    }

    String stopReason() {
        return stopReason;
    }

    Map<String, Double> records() {
        return Collections.unmodifiableMap(records);
    }

    void beginStep(long step) {
        this.step = step;
        records.clear();
    }
}
