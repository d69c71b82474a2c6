/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;
import dev.calm.core.Backend;
import dev.calm.core.Rng;

/**
 * The encoder's diagonal Gaussian q(z | x) = N(mean, diag(exp(logStd)^2)) over the latent vectors of a batch.
 *
 * @param mean [B, N, l]: one l-vector per chunk of K tokens (CALM's generative head receives it flattened to
 *     [P, l], one row per predicted position)
 * @param logStd [B, N, l], the log standard deviation of each dimension, same shape as {@code mean}
 */
public record Posterior(NDArray mean, NDArray logStd) {

    /** @return the standard deviation exp(logStd), [B, N, l] */
    public NDArray std() {
        return logStd.exp();
    }

    /**
     * A reparameterised sample z = mean + eps * std with eps ~ N(0, I), so gradients reach mean and logStd.
     *
     * @param rng the source of eps
     * @return [B, N, l]
     */
    public NDArray sample(Rng rng) {
        NDArray eps = rng.normal(mean.getManager(), mean.getShape(), 0f, 1f); // [B, N, l]
        return mean.add(eps.mul(std()));
    }

    /**
     * The clamped KL term of the training objective: per dimension 0.5 (mean^2 + std^2 - 1 - 2 logStd) is
     * clamped from below at {@code klClamp}, summed over the l dimensions and averaged over the vectors. With
     * {@code klClamp = 0} it is KL(q || N(0, I)) per vector.
     *
     * @param klClamp the lower clamp per dimension
     * @return a scalar
     */
    public NDArray kl(double klClamp) {
        NDArray twoLogStd = logStd.mul(Backend.scalar(logStd, 2)); // [B, N, l]
        NDArray perDim = mean.square().add(twoLogStd.exp()).sub(1).sub(twoLogStd); // [B, N, l]
        perDim = perDim.mul(Backend.scalar(perDim, 0.5));
        return perDim.maximum(Backend.scalar(perDim, klClamp)).sum(new int[] {-1}).mean();
    }
}
