/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;

/**
 * What the {@link FlowMatchingHead} and the {@link DiffusionHead} share: the network {@code net} (a {@link
 * TimeConditionedMlp}), the checks of their inputs, the draws of their loss's targets, and a sampler that starts
 * from standard normal noise and runs the network over steps, conditioned once per position on the hidden state.
 * Parameters live under {@code generative_head.net.*}, the reference's names.
 */
public abstract class TimeConditionedHead extends GenerativeHead {

    private final String name;
    private final int latentSize;
    private final TimeConditionedMlp net;

    /**
     * @param name the head's name in error messages ("flow", "diffusion")
     * @param hiddenSize the backbone's hidden size d
     * @param latentSize the autoencoder's latent size l
     * @param blocks residual blocks of the network
     */
    TimeConditionedHead(String name, int hiddenSize, int latentSize, int blocks) {
        this.name = name;
        this.latentSize = latentSize;
        this.net = child("net", new TimeConditionedMlp(hiddenSize, latentSize, blocks));
    }

    /** @return {@code generative_head}, the reference's name */
    @Override
    public final String parameterPrefix() {
        return "generative_head";
    }

    /** @return the network */
    final TimeConditionedMlp net() {
        return net;
    }

    /**
     * Draws standard normal noise x at the start of sampling and hands it to {@link #integrate}, with the
     * hidden states' conditioning computed once for every step and sample.
     */
    @Override
    public final NDArray sample(NDArray hidden, int n, Rng rng) {
        checkHidden(hidden);
        if (n < 1) {
            throw new CalmException("sample needs n >= 1, got " + n);
        }
        NDArray c = net.condition(hidden); // [P, d], shared by the steps and the samples
        NDArray noise = rng.normal(hidden.getManager(), new Shape(n, hidden.getShape().get(0), latentSize), 0f, 1f);
        return integrate(noise, c, rng); // [n, P, l]
    }

    /**
     * The sampler's steps from noise to latents.
     *
     * @param noise standard normal noise, [n, P, l]
     * @param condition the network's conditioning on the hidden states, [P, d]
     * @param rng the source of any noise the steps add
     * @return samples, [n, P, l]
     */
    abstract NDArray integrate(NDArray noise, NDArray condition, Rng rng);

    /**
     * Checks the loss's inputs and draws its targets: {@code samples} draws of the target posterior per position.
     *
     * @param hidden hidden states, [P, d]
     * @param target the posterior of the next chunk, [P, l]
     * @param samples draws per position
     * @param rng the source of the draws
     * @return the draws, [samples, P, l]
     */
    final NDArray targetDraws(NDArray hidden, Posterior target, int samples, Rng rng) {
        checkHidden(hidden);
        Shape p = target.mean().getShape();
        if (p.dimension() != 2 || p.get(1) != latentSize || p.get(0) != hidden.getShape().get(0)) {
            throw new CalmException("target posterior must be [" + hidden.getShape().get(0) + ", " + latentSize
                    + "] to match the hidden states " + hidden.getShape() + ", got " + p);
        }
        Shape draws = new Shape(samples, p.get(0), latentSize);
        return rng.normal(hidden.getManager(), draws, 0f, 1f).mul(target.std()).add(target.mean()); // [S, P, l]
    }

    /**
     * @param hidden hidden states
     * @throws CalmException unless they are [positions, d]
     */
    final void checkHidden(NDArray hidden) {
        if (hidden.getShape().dimension() != 2) {
            throw new CalmException("the " + name + " head needs hidden states [positions, d], got "
                    + hidden.getShape());
        }
    }

    /**
     * @param like an array in the manager to use
     * @param t a time in the network's units
     * @return one time for every sample, [1], in libtorch's memory
     */
    static NDArray time(NDArray like, double t) {
        return Backend.owned(like.getManager().create(new float[] {(float) t}));
    }
}
