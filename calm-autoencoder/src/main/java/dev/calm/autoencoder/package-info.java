/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * CALM's first stage (paper, section 2): the K-token variational autoencoder that maps each chunk of K tokens
 * to a Gaussian posterior over a vector z in R^l and decodes z back to K tokens with the encoder's tied
 * embedding. Its training objective is K * cross-entropy + kl_weight * clamped KL, with token dropout and
 * dropout on z for a robust latent space. Parameter names are those of the reference implementation.
 */
package dev.calm.autoencoder;
