/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.nn.Embedding;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.RMSNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoder: K token embeddings -> per-token residual MLP layers -> "squeeze" K*d -> d -> residual MLP
 * layers on the chunk vector -> RMSNorm -> d -> 2l, the mean and log standard deviation of q(z | x).
 */
public final class Encoder extends Module {

    private final AutoencoderConfig config;
    private final Embedding embedTokens; // [V, d], shared with the decoder's logits
    private final List<AutoencoderLayer> encoderLayers = new ArrayList<>();
    private final Linear squeezeLayer; // [d, K*d] + bias
    private final RMSNorm norm; // [d]
    private final Linear hiddenToLatent; // [2l, d] + bias

    /** @param config the autoencoder's shape */
    public Encoder(AutoencoderConfig config) {
        this.config = config;
        long d = config.hiddenSize();
        this.embedTokens = child("embed_tokens", new Embedding(config.vocabSize(), d));
        for (int i = 0; i < config.numEncoderLayers(); i++) {
            encoderLayers.add(child("encoder_layers." + i, new AutoencoderLayer(config)));
        }
        this.squeezeLayer = child("squeeze_layer", new Linear(config.patchSize() * d, d, true));
        this.norm = child("norm", new RMSNorm(d, config.rmsNormEps()));
        this.hiddenToLatent = child("hidden_to_latent", new Linear(d, 2L * config.latentSize(), true));
    }

    /**
     * @param chunks token ids, [M, K]
     * @return mean and log standard deviation concatenated, [M, 2l]
     */
    public NDArray forward(NDArray chunks) {
        long m = chunks.getShape().get(0);
        int before = config.encoderLayersBeforeSqueeze();
        NDArray h = embedTokens.forward(chunks); // [M, K, d]
        for (int i = 0; i < before; i++) {
            h = encoderLayers.get(i).forward(h); // [M, K, d]
        }
        h = squeezeLayer.forward(h.reshape(new Shape(m, -1))); // [M, K*d] -> [M, d]
        for (int i = before; i < encoderLayers.size(); i++) {
            h = encoderLayers.get(i).forward(h); // [M, d]
        }
        return hiddenToLatent.forward(norm.forward(h)); // [M, 2l]
    }

    /** @return the token embedding, whose matrix the decoder also uses for its logits */
    public Embedding embedTokens() {
        return embedTokens;
    }
}
