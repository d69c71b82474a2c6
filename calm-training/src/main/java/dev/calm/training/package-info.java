/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The training loop and the objectives that bind the models to it: {@link dev.calm.training.Trainer} (AdamW
 * with decoupled weight decay, warm-up then constant or cosine learning rate, global-norm clipping, gradient
 * accumulation, a NaN guard, {@code metrics.jsonl}, hooks, a time budget and atomic checkpoints from which a
 * run resumes bit for bit on the CPU), configured by {@link dev.calm.training.TrainConfig}; and {@link
 * dev.calm.training.AutoencoderObjective}, {@link dev.calm.training.CalmObjective} and {@link
 * dev.calm.training.TokenObjective}.
 */
package dev.calm.training;
