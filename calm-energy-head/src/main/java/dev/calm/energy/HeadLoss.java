/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The loss of a {@link GenerativeHead} and the scalars it wants logged.
 *
 * @param loss the scalar to minimise
 * @param metrics named scalars, for example the two terms of the energy score
 */
public record HeadLoss(NDArray loss, Map<String, NDArray> metrics) {

    /**
     * Checks the loss and copies the metrics.
     *
     * @param loss the scalar to minimise, not null
     * @param metrics named scalars, copied in their iteration order
     * @throws NullPointerException if the loss or the map is null
     */
    public HeadLoss {
        Objects.requireNonNull(loss, "loss");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
