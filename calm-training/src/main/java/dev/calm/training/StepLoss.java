/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The scalar to minimise plus named scalar metrics (e.g. "ce", "kl"), all in the step's manager. The trainer
 * logs the mean of each metric over the micro-batches of a step.
 *
 * @param loss a scalar array with a gradient path to the parameters
 * @param metrics scalar arrays by name, in the order they should appear in the metrics file
 */
public record StepLoss(NDArray loss, Map<String, NDArray> metrics) {

    /** Checks that the loss is present and copies the metric map. */
    public StepLoss {
        Objects.requireNonNull(loss, "loss");
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * @param loss the scalar to minimise
     * @return a loss without further metrics
     */
    public static StepLoss of(NDArray loss) {
        return new StepLoss(loss, Map.of());
    }
}
