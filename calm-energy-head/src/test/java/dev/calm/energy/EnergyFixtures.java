/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Rng;
import dev.calm.core.llama.TransformerConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tiny initialised models of the test suite: autoencoders, CALMs and token baselines at test size, for the
 * tests here and in the modules above (shipped in this module's test jar; calm-core's test jar cannot hold them,
 * as calm-core does not see the model classes).
 */
public final class EnergyFixtures {

    /** Vocabulary of the tiny models. */
    public static final int VOCAB = 24;
    /** Latent size of the tiny autoencoder. */
    public static final int LATENT = 6;

    private EnergyFixtures() {}

    /** A tiny autoencoder: V 24, d 16, intermediate 40, K, l 6, 2 + 2 layers. */
    public static AutoencoderConfig autoencoderConfig(int k) {
        return autoencoderConfig(k, VOCAB, 16, 40, LATENT);
    }

    /**
     * An autoencoder at test size: 2 encoder and 2 decoder layers and the paper's regularisation (token and
     * latent dropout 0.15, KL clamp 0.5, KL weight 1e-3, RMSNorm eps 1e-6).
     *
     * @param k the patch size K
     * @param vocab the number of token ids
     * @param hidden the hidden size d
     * @param intermediate the SwiGLU's intermediate size
     * @param latent the latent size l
     * @return the config
     */
    public static AutoencoderConfig autoencoderConfig(int k, int vocab, int hidden, int intermediate, int latent) {
        return new AutoencoderConfig(k, vocab, hidden, intermediate, 2, 2, latent, 0.15, 0.5, 1e-3, 1e-6);
    }

    /**
     * @param config its shape
     * @param manager the manager of its parameters
     * @param seed the initialisation seed
     * @return an initialised (untrained) autoencoder
     */
    public static Autoencoder autoencoder(AutoencoderConfig config, NDManager manager, long seed) {
        return autoencoder(config, manager, new Rng(seed));
    }

    /**
     * @param config its shape
     * @param manager the manager of its parameters
     * @param rng the initialisation's stream
     * @return an initialised (untrained) autoencoder
     */
    public static Autoencoder autoencoder(AutoencoderConfig config, NDManager manager, Rng rng) {
        Autoencoder ae = new Autoencoder(config);
        ae.initialize(manager, rng);
        return ae;
    }

    /**
     * A CALM of {@link CalmConfig#tiny} (d 64, 2 layers, one head block of noise 16, N 8, M 100) over an
     * autoencoder, whose vocabulary, K and l it takes.
     *
     * @param ae the (frozen) autoencoder
     * @param manager the manager of its parameters
     * @param seed the initialisation seed
     * @return the initialised model
     */
    public static Calm calm(Autoencoder ae, NDManager manager, long seed) {
        AutoencoderConfig c = ae.config();
        Calm calm = new Calm(CalmConfig.tiny(c.vocabSize(), c.patchSize(), c.latentSize()), ae);
        calm.initialize(manager, new Rng(seed));
        return calm;
    }

    /** An initialised CALM over the tiny backbone (d 64, 2 layers) and an initialised tiny autoencoder. */
    public static Calm tinyCalm(NDManager manager, int k) {
        return calm(autoencoder(autoencoderConfig(k), manager, 1), manager, 2);
    }

    /** Replaces the zero-initialised last layer of the head by random values, so the head depends on its inputs. */
    public static void randomiseHeadOutput(Calm calm, NDManager manager) {
        Map<String, NDArray> state = new LinkedHashMap<>(calm.stateDict());
        Rng rng = new Rng(3);
        String w = "mlp_generator.final_layer.linears.2.weight";
        state.put(w, rng.normal(manager, state.get(w).getShape(), 0f, 0.5f));
        calm.load(state, manager);
    }

    /** An initialised token baseline over the tiny backbone (d 64, 2 layers). */
    public static TokenBaseline tinyBaseline(NDManager manager, int vocab) {
        TokenBaseline model = new TokenBaseline(TransformerConfig.tiny(vocab));
        model.initialize(manager, new Rng(1));
        return model;
    }
}
