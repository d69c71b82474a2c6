/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import dev.calm.core.CalmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scalar to minimise plus named scalar metrics (e.g. "ce", "kl"), all in the step's manager. The trainer
 * logs the mean of each metric over the micro-batches of a step.
 *
 * @param loss a scalar array with a gradient path to the parameters
 * @param metrics scalar arrays by name, in the order they should appear in the metrics file
 */
public record StepLoss(NDArray loss, Map<String, NDArray> metrics) {

    /**
     * Checks that the loss is present and copies the metric map.
     *
     * @param loss a scalar with a gradient path, not null
     * @param metrics scalars by name (null means none); a name may not be blank or one of the metrics line's own
     *     keys ({@code step}, {@code loss}, {@code lr}, {@code grad_norm}, {@code tokens_per_s}, {@code elapsed_s},
     *     {@code skipped}, {@code train_flops})
     * @throws NullPointerException if the loss is null
     * @throws dev.calm.core.CalmException if a metric name is blank or reserved
     */
    public StepLoss {
        Objects.requireNonNull(loss, "loss");
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        metrics.keySet().forEach(StepLoss::checkName);
    }

    /** Keys of every metrics line; a metric or recorded value may not reuse them. */
    static final Set<String> RESERVED = Set.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s", "skipped",
            "train_flops");

    static void checkName(String name) {
        if (name == null || name.isBlank() || RESERVED.contains(name)) {
            throw new CalmException("metric name '" + name + "' is empty or reserved (reserved: " + new TreeSet<>(RESERVED)
                    + ")");
        }
    }

    /**
     * @param loss the scalar to minimise
     * @return a loss without further metrics
     */
    public static StepLoss of(NDArray loss) {
        return new StepLoss(loss, Map.of());
    }
}
