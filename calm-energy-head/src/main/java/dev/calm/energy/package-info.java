/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * CALM's second stage (paper, section 3) and its baseline: the {@link dev.calm.energy.Calm} model (input
 * compression, Llama backbone over chunks, a {@link dev.calm.energy.GenerativeHead} that predicts the next
 * latent vector, and the frozen autoencoder that decodes it), the paper's {@link dev.calm.energy.EnergyHead}
 * trained with the {@link dev.calm.energy.EnergyScore}, the token-level {@link dev.calm.energy.TokenBaseline},
 * the {@link dev.calm.energy.StepModel} view of both that generation and BrierLM use, and their training and
 * inference FLOPs counted from the configs ({@link dev.calm.energy.TrainingFlops}, {@link
 * dev.calm.energy.InferenceFlops}).
 */
package dev.calm.energy;
