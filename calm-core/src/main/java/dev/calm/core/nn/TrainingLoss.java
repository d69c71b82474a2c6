/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import dev.calm.core.CalmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a training forward pass returns: the scalar to minimise plus named scalars to log (for example the
 * autoencoder's {@code ce} and {@code kl}, or the energy score's two terms), all in the step's manager. The
 * autoencoder, every generative head, CALM and the trainer's objectives return this one type; the trainer logs
 * the mean of each metric over the micro-batches of a step.
 *
 * @param loss a scalar array with a gradient path to the parameters
 * @param metrics scalar arrays by name, in the order they should appear in the metrics file
 */
public record TrainingLoss(NDArray loss, Map<String, NDArray> metrics) {

    /**
     * Checks the loss and the metric names and copies the metric map.
     *
     * @param loss a scalar with a gradient path, not null
     * @param metrics scalars by name (null means none), copied in their iteration order
     * @throws NullPointerException if the loss is null
     * @throws CalmException if a metric name is null or blank
     */
    public TrainingLoss {
        Objects.requireNonNull(loss, "loss");
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        for (String name : metrics.keySet()) {
            if (name == null || name.isBlank()) {
                throw new CalmException("metric name '" + name + "' is empty");
            }
        }
    }

    /**
     * @param loss the scalar to minimise
     * @return a loss without metrics
     */
    public static TrainingLoss of(NDArray loss) {
        return new TrainingLoss(loss, Map.of());
    }

    /**
     * @param name a metric's name
     * @return its scalar
     * @throws CalmException if there is no metric of that name
     */
    public NDArray metric(String name) {
        NDArray value = metrics.get(name);
        if (value == null) {
            throw new CalmException("no metric '" + name + "' (metrics: " + metrics.keySet() + ")");
        }
        return value;
    }
}
