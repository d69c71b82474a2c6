/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.EnergyHead;
import dev.calm.energy.EnergyHeadConfig;

/**
 * The paper's energy head with heavier-tailed noise: epsilon ~ Laplace(0, b) elementwise instead of
 * U[-0.5, 0.5], with b = 1/sqrt(24) so that both have the variance 1/12 (a Laplace variable has variance 2 b^2).
 * The network, its parameters (and so its checkpoints) and the energy loss are the {@link EnergyHead}'s; only
 * {@link #noise} changes. An example of a custom generative head written by subclassing:
 *
 * <pre>{@code
 * CalmConfig config = CalmConfig.tiny(vocab, 4, latent);
 * Calm calm = new Calm(config, LaplaceNoiseEnergyHead.of(config), autoencoder);
 * }</pre>
 */
public class LaplaceNoiseEnergyHead extends EnergyHead {

    /** The scale b of the noise: variance 2 b^2 = 1/12, that of U[-0.5, 0.5]. */
    public static final float SCALE = (float) (1 / Math.sqrt(24));

    /** Keeps log(1 - 2|u|) finite when u is -0.5 exactly. */
    private static final float TINY = 1e-7f;

    /**
     * @param config noise size, depth, and the energy loss's N, M and beta
     * @param hiddenSize the backbone's hidden size d
     * @param latentSize the autoencoder's latent size l
     */
    public LaplaceNoiseEnergyHead(EnergyHeadConfig config, int hiddenSize, int latentSize) {
        super(config, hiddenSize, latentSize);
    }

    /**
     * @param config the CALM the head is for
     * @return a head of the config's head settings, hidden size and latent size
     */
    public static LaplaceNoiseEnergyHead of(CalmConfig config) {
        return new LaplaceNoiseEnergyHead(config.head(), config.backbone().hiddenSize(), config.latentSize());
    }

    /**
     * Laplace(0, {@link #SCALE}) by inversion of a uniform draw: u ~ U[-0.5, 0.5), x = -b sign(u) ln(1 - 2|u|).
     *
     * @param manager owner and device of the result
     * @param shape the noise's shape, [n, P, noise_size]
     * @param rng the source of randomness
     * @return FLOAT32 noise of that shape
     */
    @Override
    protected NDArray noise(NDManager manager, Shape shape, Rng rng) {
        NDArray u = rng.uniform(manager, shape, -0.5f, 0.5f); // [n, P, noise]
        NDArray tail = u.abs().mul(-2f).add(1f).maximum(TINY).log(); // ln(1 - 2|u|) <= 0
        return tail.mul(u.sign()).mul(-SCALE);
    }
}
