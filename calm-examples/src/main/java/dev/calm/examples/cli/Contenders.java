/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Rng;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.TokenBaseline;
import dev.calm.examples.pipeline.LanguageModelStage;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.training.TokenObjective;
import java.util.Locale;
import java.util.Map;

/**
 * The two language models of the comparison, as the quickstart and {@code calm train} build them: CALM (the
 * {@link CalmConfig#small} backbone over K-token chunks with an energy head, on a trained autoencoder) and the
 * token baseline on the same backbone with a softmax head.
 */
final class Contenders {

    private Contenders() {}

    /**
     * The quickstart's CALM, initialised.
     *
     * @param config its config ({@link LanguageModelOptions#calmConfig})
     * @param ae the trained autoencoder, whose K and l the model must share
     * @param init the initialisation seed (forked as "calm init")
     * @param root the manager the model lives in
     * @return the model
     */
    static Calm calm(CalmConfig config, Autoencoder ae, Rng init, NDManager root) {
        Calm calm = new Calm(config, ae);
        calm.initialize(root, init.fork("calm init"));
        return calm;
    }

    /**
     * The token baseline on CALM's backbone, initialised.
     *
     * @param vocabSize ids of the tokenizer
     * @param init the initialisation seed (forked as "baseline init")
     * @param root the manager the model lives in
     * @return the model
     */
    static TokenBaseline baseline(int vocabSize, Rng init, NDManager root) {
        TokenBaseline baseline = new TokenBaseline(TransformerConfig.small(vocabSize));
        baseline.initialize(root, init.fork("baseline init"));
        return baseline;
    }

    /**
     * @param calm the model
     * @param options the language-model options: learning rate and groups, the objective
     * @return CALM as a contender of the comparison, trained with its energy loss
     */
    static LanguageModelStage.Contender of(Calm calm, LanguageModelOptions options) {
        CalmConfig c = calm.config();
        return new LanguageModelStage.Contender(RunModels.CALM, String.format(Locale.ROOT,
                "%s CALM (d %d, %d layers, K %d, l %d, %s%s)", c.headType(), c.backbone().hiddenSize(),
                c.backbone().numHiddenLayers(), c.patchSize(), c.latentSize(),
                switch (c.headType()) {
                    case CalmConfig.MIXTURE -> c.mixtureHead().components() + " components";
                    case CalmConfig.FLOW -> c.flowHead().numMlpLayers() + " head block(s), " + c.flowHead().numSteps()
                            + " midpoint steps";
                    case CalmConfig.DIFFUSION -> c.diffusionHead().numMlpLayers() + " head block(s), "
                            + c.diffusionHead().numSamplingSteps() + " sampling steps";
                    default -> c.head().numMlpLayers() + " head block(s)";
                },
                c.auxTokenHead() ? ", auxiliary token head" : ""),
                calm, options.calmObjective(calm), options.learningRate(RunModels.CALM), options.calmLrScales(calm), c,
                calm);
    }

    /**
     * @param baseline the model
     * @param learningRate its peak learning rate
     * @return the baseline as a contender of the comparison, trained with cross-entropy
     */
    static LanguageModelStage.Contender of(TokenBaseline baseline, double learningRate) {
        return new LanguageModelStage.Contender(RunModels.BASELINE, String.format(Locale.ROOT,
                "token Transformer with a softmax head (d %d, %d layers)", baseline.config().hiddenSize(),
                baseline.config().numHiddenLayers()),
                baseline, new TokenObjective(baseline), learningRate, Map.of(), baseline.config(), baseline);
    }
}
