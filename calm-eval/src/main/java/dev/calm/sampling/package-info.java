/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Generation and likelihood-free temperature sampling (paper, section 5). {@link dev.calm.sampling.Generator}
 * continues batches of prompts with any {@link dev.calm.energy.StepModel}, with the KV cache, a token budget,
 * end-of-text and a temperature ({@link dev.calm.sampling.GenerationConfig}). A CALM model has no softmax, only a sampler of
 * discrete outcomes (chunks of K tokens), so P_T(x) = P(x)^(1/T) / Z_T is sampled from draws alone:
 * {@link dev.calm.sampling.TemperatureSampler} exactly, by rejection and a Bernoulli factory, and
 * {@link dev.calm.sampling.BatchTemperatureSampler} approximately, from the counts in one batch of N draws.
 */
package dev.calm.sampling;
