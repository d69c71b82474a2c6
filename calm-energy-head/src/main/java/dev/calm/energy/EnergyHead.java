/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.nn.LayerNorm;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.TrainingLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's energy-based generative head (section 3.2), the reference's {@code MLPGenerator}: noise
 * epsilon ~ U[-0.5, 0.5]^noise_size and the hidden state h are embedded and normalised, the noise embedding is
 * refined by {@code num_mlp_layers} residual {@link MlpBlock}s conditioned on h, and a {@link FinalLayer} maps
 * it to a latent vector. One forward pass gives one sample; the head is trained by the {@link EnergyScore}
 * against samples of the autoencoder's posterior.
 *
 * <p>Parameters: {@code noise_embd}, {@code hidden_embd}, {@code norm_hidden}, {@code norm_noise},
 * {@code mlp_blocks.{i}.(in_ln|linears.0|linears.2|linears.4|down_proj)}, {@code final_layer.(in_ln|linears.0|
 * linears.2)}, each {@code .weight} and {@code .bias}.
 */
public class EnergyHead extends GenerativeHead {

    /** Epsilon of the head's LayerNorms (the reference's 1e-6). */
    static final double LAYER_NORM_EPS = 1e-6;

    private final EnergyHeadConfig config;
    private final int latentSize;
    private final Linear noiseEmbd; // [d, noise]
    private final Linear hiddenEmbd; // [d, d]
    private final LayerNorm normHidden;
    private final LayerNorm normNoise;
    private final List<MlpBlock> mlpBlocks = new ArrayList<>();
    private final FinalLayer finalLayer;

    /**
     * @param config noise size, depth, and the energy loss's N, M and beta
     * @param hiddenSize the backbone's hidden size d
     * @param latentSize the autoencoder's latent size l
     */
    public EnergyHead(EnergyHeadConfig config, int hiddenSize, int latentSize) {
        this.config = config;
        this.latentSize = latentSize;
        this.noiseEmbd = child("noise_embd", new Linear(config.noiseSize(), hiddenSize, true));
        this.hiddenEmbd = child("hidden_embd", new Linear(hiddenSize, hiddenSize, true));
        this.normHidden = child("norm_hidden", new LayerNorm(hiddenSize, LAYER_NORM_EPS));
        this.normNoise = child("norm_noise", new LayerNorm(hiddenSize, LAYER_NORM_EPS));
        for (int i = 0; i < config.numMlpLayers(); i++) {
            mlpBlocks.add(child("mlp_blocks." + i, new MlpBlock(hiddenSize)));
        }
        this.finalLayer = child("final_layer", new FinalLayer(hiddenSize, latentSize));
    }

    /** @return the head's hyperparameters: noise size, blocks, N, M and beta of its energy loss */
    public EnergyHeadConfig config() {
        return config;
    }

    @Override
    public String parameterPrefix() {
        return "mlp_generator";
    }

    @Override
    public NDArray sample(NDArray hidden, int n, Rng rng) {
        if (hidden.getShape().dimension() != 2 || n < 1) {
            throw new CalmException("sample needs hidden states [positions, d] and n >= 1, got "
                    + hidden.getShape() + " and n = " + n);
        }
        long positions = hidden.getShape().get(0);
        NDArray noise = noise(hidden.getManager(), new Shape(n, positions, config.noiseSize()), rng); // [n, P, noise]
        return forward(noise, hidden);
    }

    /**
     * Draws the noise that {@link #sample} (and so {@link #loss}) feeds to {@link #forward}: epsilon ~
     * U[-0.5, 0.5] elementwise, as in the paper. Override it to try another noise distribution without changing
     * the network.
     *
     * @param manager owner and device of the result
     * @param shape the noise's shape, [n, P, noise_size]
     * @param rng the source of randomness
     * @return FLOAT32 noise of that shape
     */
    protected NDArray noise(NDManager manager, Shape shape, Rng rng) {
        return rng.uniform(manager, shape, -0.5f, 0.5f);
    }

    /**
     * The head as a deterministic function of its noise, for tests and for research on the noise.
     *
     * @param noise noise vectors, [n, P, noise_size] (U[-0.5, 0.5] in {@link #sample}, from {@link #noise})
     * @param hidden hidden states, [P, d]
     * @return latent vectors, [n, P, l]
     */
    public NDArray forward(NDArray noise, NDArray hidden) {
        if (noise.getShape().get(0) == 1 && !Backend.isGradMode()) {
            return forwardOneSample(noise, hidden);
        }
        Shape s = noise.getShape();
        long n = s.get(0);
        long positions = s.get(1);
        // the n samples of every position as rows of 2-D products, whose bias is added inside the product
        NDArray x = normNoise.forward(noiseEmbd.forward(noise.reshape(n * positions, s.get(2)))); // [n*P, d]
        NDArray y = normHidden.forward(hiddenEmbd.forward(hidden)); // [P, d], shared by the n samples
        for (MlpBlock block : mlpBlocks) {
            x = block.forward(x, block.condition(y), n); // [n*P, d]
        }
        return finalLayer.forward(x).reshape(n, positions, latentSize); // [n, P, l]
    }

    /**
     * {@link #forward} for one sample per position without gradients (generation at temperature 1), in fewer
     * engine calls: every product is 2-D, so a linear layer and its bias are one call, and each block's first
     * linear layer reads [LN(x); y] in one product, as the reference computes it.
     *
     * @param noise [1, P, noise_size]
     * @param hidden [P, d]
     * @return [1, P, l]
     */
    private NDArray forwardOneSample(NDArray noise, NDArray hidden) {
        long positions = noise.getShape().get(1);
        NDArray x = normNoise.forward(noiseEmbd.forward(noise.reshape(positions, config.noiseSize()))); // [P, d]
        NDArray y = normHidden.forward(hiddenEmbd.forward(hidden)); // [P, d]
        for (MlpBlock block : mlpBlocks) {
            x = block.forwardOneSample(x, y); // [P, d]
        }
        return finalLayer.forward(x).reshape(1, positions, latentSize); // [1, P, l]
    }

    /**
     * The energy loss: N model samples against M samples of the target posterior, -S of {@link EnergyScore}.
     * Metrics: {@code energy_diversity} and {@code energy_fidelity}, the estimator's two mean distances.
     */
    @Override
    public TrainingLoss loss(NDArray hidden, Posterior target, Rng rng) {
        Shape p = target.mean().getShape();
        if (p.dimension() != 2 || p.get(1) != latentSize || p.get(0) != hidden.getShape().get(0)) {
            throw new CalmException("target posterior must be [" + hidden.getShape().get(0) + ", " + latentSize
                    + "] to match the hidden states " + hidden.getShape() + ", got " + p);
        }
        NDArray x = sample(hidden, config.numSamples(), rng); // [N, P, l]
        NDArray eps = rng.normal(hidden.getManager(), new Shape(config.numTargetSamples(), p.get(0), latentSize),
                0f, 1f); // [M, P, l]
        NDArray y = eps.mul(target.std()).add(target.mean()); // [M, P, l]
        EnergyScore.Terms terms = EnergyScore.estimate(x, y, config.beta());
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("energy_diversity", terms.diversity().mean());
        metrics.put("energy_fidelity", terms.fidelity().mean());
        return new TrainingLoss(terms.loss(), metrics);
    }
}
