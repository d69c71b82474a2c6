/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.nn.Embedding;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.RMSNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoder: l -> d -> residual MLP layers on the chunk vector -> "expand" d -> K*d, reshaped to K
 * positions -> per-token residual MLP layers -> RMSNorm -> logits through the encoder's token embedding
 * (tied weights, the reference's {@code lm_head_weight}).
 */
public final class Decoder extends Module {

    private final AutoencoderConfig config;
    private final Linear latentToHidden; // [d, l] + bias
    private final List<AutoencoderLayer> decoderLayers = new ArrayList<>();
    private final Linear expandLayer; // [K*d, d] + bias
    private final RMSNorm norm; // [d]
    private final Embedding lmHead; // the encoder's [V, d], not registered here

    /**
     * @param config the autoencoder's shape
     * @param tiedEmbedding the encoder's token embedding, reused as the output matrix
     */
    public Decoder(AutoencoderConfig config, Embedding tiedEmbedding) {
        this.config = config;
        long d = config.hiddenSize();
        this.latentToHidden = child("latent_to_hidden", new Linear(config.latentSize(), d, true));
        for (int i = 0; i < config.numDecoderLayers(); i++) {
            decoderLayers.add(child("decoder_layers." + i, new AutoencoderLayer(config)));
        }
        this.expandLayer = child("expand_layer", new Linear(d, config.patchSize() * d, true));
        this.norm = child("norm", new RMSNorm(d, config.rmsNormEps()));
        this.lmHead = tiedEmbedding;
    }

    /**
     * @param z latent vectors, [B, N, l]
     * @return logits of the K tokens of every vector, [B, N*K, V]
     */
    public NDArray forward(NDArray z) {
        Shape s = z.getShape();
        int before = config.decoderLayersBeforeExpand();
        NDArray h = latentToHidden.forward(z); // [B, N, d]
        for (int i = 0; i < before; i++) {
            h = decoderLayers.get(i).forward(h); // [B, N, d]
        }
        h = expandLayer.forward(h).reshape(new Shape(s.get(0), s.get(1) * config.patchSize(), -1)); // [B, N*K, d]
        for (int i = before; i < decoderLayers.size(); i++) {
            h = decoderLayers.get(i).forward(h); // [B, N*K, d]
        }
        return lmHead.logits(norm.forward(h)); // [B, N*K, V]
    }

    /**
     * The most likely tokens, argmax of {@link #forward}, for passes without gradients: the layers run through
     * their fused projections, and the final norm only multiplies by its gain, since dividing a row by its root
     * mean square moves no argmax (about 15 engine calls fewer per call). With gradients on it is
     * {@code forward(z).argMax(-1)}.
     *
     * @param z latent vectors, [B, N, l]
     * @return token ids, INT64 [B, N*K]
     */
    public NDArray tokens(NDArray z) {
        if (Backend.isGradMode()) {
            return forward(z).argMax(-1);
        }
        Shape s = z.getShape();
        int before = config.decoderLayersBeforeExpand();
        NDArray h = latentToHidden.forward(z); // [B, N, d]
        for (int i = 0; i < before; i++) {
            h = decoderLayers.get(i).forwardInference(h); // [B, N, d]
        }
        h = expandLayer.forward(h).reshape(new Shape(s.get(0), s.get(1) * config.patchSize(), -1)); // [B, N*K, d]
        for (int i = before; i < decoderLayers.size(); i++) {
            h = decoderLayers.get(i).forwardInference(h); // [B, N*K, d]
        }
        return lmHead.logitsInference(norm.gain(h)).argMax(-1); // == argmax(lm_head(norm(h))), [B, N*K]
    }
}
