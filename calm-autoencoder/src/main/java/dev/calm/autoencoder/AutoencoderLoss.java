/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;

/**
 * The terms of the autoencoder's training objective, all scalars in the step's manager.
 *
 * @param loss what is minimised: K * reconstruction + kl_weight * kl
 * @param reconstruction mean cross-entropy per token of the K tokens
 * @param kl the clamped KL term, summed over latent dimensions and averaged over vectors
 */
public record AutoencoderLoss(NDArray loss, NDArray reconstruction, NDArray kl) {}
