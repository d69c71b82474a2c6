/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Rng;
import dev.calm.core.llama.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tiny initialised models for tests here and in the modules above (shipped in this module's test jar). */
public final class EnergyFixtures {

    /** Vocabulary of the tiny models. */
    public static final int VOCAB = 24;
    /** Latent size of the tiny autoencoder. */
    public static final int LATENT = 6;

    private EnergyFixtures() {}

    /** A tiny autoencoder: V 24, d 16, intermediate 40, K, l 6, 2 + 2 layers. */
    public static AutoencoderConfig autoencoderConfig(int k) {
        return new AutoencoderConfig(k, VOCAB, 16, 40, 2, 2, LATENT, 0.15, 0.5, 1e-3, 1e-6);
    }

    /** An initialised CALM over the tiny backbone (d 64, 2 layers) and an initialised tiny autoencoder. */
    public static Calm tinyCalm(NDManager manager, int k) {
        Autoencoder ae = new Autoencoder(autoencoderConfig(k));
        ae.initialize(manager, new Rng(1));
        Calm calm = new Calm(CalmConfig.tiny(VOCAB, k, LATENT), ae);
        calm.initialize(manager, new Rng(2));
        return calm;
    }

    /** Replaces the zero-initialised last layer of the head by random values, so the head depends on its inputs. */
    public static void randomiseHeadOutput(Calm calm, NDManager manager) {
        Map<String, NDArray> state = new LinkedHashMap<>(calm.stateDict());
        Rng rng = new Rng(3);
        String w = "mlp_generator.final_layer.linears.2.weight";
        state.put(w, rng.normal(manager, state.get(w).getShape(), 0f, 0.5f));
        calm.load(state, manager);
    }

    /**
     * Uniformly random token ids.
     *
     * @param manager owner of the result
     * @param seed the seed
     * @param batch rows
     * @param length tokens per row
     * @param vocab ids are drawn from [0, vocab)
     * @return INT64 [batch, length]
     */
    public static NDArray randomTokens(NDManager manager, long seed, int batch, int length, int vocab) {
        return manager.create(new Rng(seed).javaRandom().longs((long) batch * length, 0, vocab).toArray(),
                new Shape(batch, length));
    }

    /** An initialised token baseline over the tiny backbone (d 64, 2 layers). */
    public static TokenBaseline tinyBaseline(NDManager manager, int vocab) {
        TokenBaseline model = new TokenBaseline(TransformerConfig.tiny(vocab));
        model.initialize(manager, new Rng(1));
        return model;
    }
}
