/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

/** How a model that only offers samples is sampled at a temperature below 1 (paper, section 5). */
public enum TemperatureMethod {
    /** {@link TemperatureSampler}: exact, by rejection and a Bernoulli factory, with a counted fallback. */
    EXACT,
    /** {@link BatchTemperatureSampler}: N candidates at once, asymptotically unbiased. */
    BATCH
}
