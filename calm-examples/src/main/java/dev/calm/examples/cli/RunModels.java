/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The trained models of a quickstart run directory: {@code tokenizer.json}, {@code autoencoder/}, and the
 * language models in {@code calm/} and {@code baseline/}, each a {@code config.json} beside a
 * {@code model.safetensors}. Every missing or mismatched file is reported in one line.
 */
final class RunModels {

    /** The model names a run directory can hold, as in its stage directories. */
    static final String CALM = "calm";
    static final String BASELINE = "baseline";
    /** The config saved beside each language model's weights. */
    static final String CONFIG = "config.json";

    private RunModels() {}

    /**
     * @param runDir the run directory
     * @return its tokenizer, to be closed by the caller
     */
    static Tokenizer tokenizer(Path runDir) {
        Path file = runDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CalmException(file + " does not exist: is " + runDir + " a quickstart run directory?");
        }
        return HfTokenizer.load(file);
    }

    /**
     * Loads a trained language model.
     *
     * @param runDir the run directory
     * @param name {@value #CALM} or {@value #BASELINE}
     * @param tokenizer the run's tokenizer, whose vocabulary must be the model's
     * @param root the manager the model lives in
     * @return the model
     */
    static StepModel load(Path runDir, String name, Tokenizer tokenizer, NDManager root) {
        Path dir = runDir.resolve(name);
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights) || !Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new CalmException("no trained " + name + " in " + dir + " (" + CONFIG + " and model.safetensors): "
                    + "run the quickstart with --lm-minutes > 0 first");
        }
        return switch (name) {
            case CALM -> {
                CalmConfig config = Json.read(dir.resolve(CONFIG), CalmConfig.class);
                checkVocabulary(name, config.backbone().vocabSize(), tokenizer);
                Autoencoder ae = AutoencoderStage.load(runDir.resolve("autoencoder"), root);
                Calm calm = new Calm(config, ae);
                calm.load(weights, root);
                yield calm;
            }
            case BASELINE -> {
                TransformerConfig config = Json.read(dir.resolve(CONFIG), TransformerConfig.class);
                checkVocabulary(name, config.vocabSize(), tokenizer);
                TokenBaseline baseline = new TokenBaseline(config);
                baseline.load(weights, root);
                yield baseline;
            }
            default -> throw new CalmException("unknown model '" + name + "': expected " + CALM + " or " + BASELINE);
        };
    }

    private static void checkVocabulary(String name, int vocab, Tokenizer tokenizer) {
        if (vocab != tokenizer.vocabSize()) {
            throw new CalmException("the tokenizer has " + tokenizer.vocabSize() + " ids but " + name
                    + " was trained with a vocabulary of " + vocab + ": they are from different runs");
        }
    }
}
