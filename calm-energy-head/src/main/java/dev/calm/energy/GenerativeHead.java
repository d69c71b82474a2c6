/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Rng;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.TrainingLoss;

/**
 * The generative head of CALM (paper, section 3.1): given the backbone's hidden state h of a position, it
 * draws samples of the next latent vector z ~ p(z | h), and it defines its own training loss against the
 * frozen autoencoder's posterior of the true next chunk. A head needs no likelihood: {@link #sample} is all
 * that generation, BrierLM and temperature sampling use.
 *
 * <p>To try a new head, subclass this class: register parameters with {@link Module#child}/{@link
 * Module#parameter}, implement {@link #sample} and {@link #loss}, and pass it to {@link Calm}. {@link
 * EnergyHead} is the paper's. Worked examples of heads that differ from it: {@link FlowMatchingHead} (a
 * flow-matching loss that is not sample-based, and a sampler of 10 midpoint ODE steps), {@link DiffusionHead} (a
 * denoising loss and an ancestral sampler of 25 to 1000 steps), and {@link MixtureEnergyHead} (the energy score
 * in closed form over mixture weights).
 */
public abstract class GenerativeHead extends Module {

    /**
     * The name under which the head's parameters sit in a CALM checkpoint ({@code mlp_generator} for the energy
     * head, as in the reference implementation).
     *
     * @return a dotted-name prefix without the trailing dot
     */
    public abstract String parameterPrefix();

    /**
     * Draws {@code n} independent samples of the next latent vector for every position.
     *
     * @param hidden hidden states, [P, d]
     * @param n samples per position
     * @param rng the source of noise
     * @return samples, [n, P, l]
     */
    public abstract NDArray sample(NDArray hidden, int n, Rng rng);

    /**
     * The training loss of the head.
     *
     * @param hidden hidden states, [P, d]
     * @param target the frozen autoencoder's posterior of the true next chunk, mean and logStd each [P, l]
     * @param rng the source of noise
     * @return a scalar loss (mean over positions) and named scalar metrics
     */
    public abstract TrainingLoss loss(NDArray hidden, Posterior target, Rng rng);
}
