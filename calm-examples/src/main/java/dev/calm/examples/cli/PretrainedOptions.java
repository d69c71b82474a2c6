/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.CalmException;
import dev.calm.core.pretrained.ConfigFields;
import dev.calm.core.pretrained.ModelDirectory;
import dev.calm.core.pretrained.ModelKind;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.PretrainedCalm;
import dev.calm.energy.PretrainedTokenBaseline;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model-dir} and {@code --ae-dir}: a model directory in the reference implementation's layout (or this
 * library's) with its {@code tokenizer.json}, instead of a run directory. The model's kind comes from its config;
 * the tokenizer gets {@code [PAD]} as the reference adds it.
 */
final class PretrainedOptions {

    @Option(names = "--model-dir", description = "a model directory (the reference's layout or this library's: "
            + "config.json, weights, tokenizer.json) instead of --run-dir; its config says which model it is")
    private Path modelDir;

    @Option(names = "--ae-dir", description = "the CALM's autoencoder directory, when the CALM's weights hold none "
            + "and no sibling directory does")
    private Path aeDir;

    /** @return whether {@code --model-dir} was given */
    boolean given() {
        return modelDir != null;
    }

    /** @return the model directory */
    Path dir() {
        return modelDir;
    }

    /** @return the kind of model in the directory, from its config */
    ModelKind kind() {
        return ModelKind.of(ModelDirectory.config(modelDir));
    }

    /** @return the directory's tokenizer, with [PAD] added as the reference adds it; to be closed by the caller */
    Tokenizer tokenizer() {
        return HfTokenizer.loadWithPadToken(tokenizerFile());
    }

    /** @return the directory's {@code tokenizer.json}, which must exist */
    Path tokenizerFile() {
        Path file = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new CalmException(modelDir + " has no tokenizer.json: a model directory for this command holds "
                    + "its tokenizer beside config.json");
        }
        return file;
    }

    /**
     * @param tokenizer the directory's tokenizer
     * @param root the manager the model lives in
     * @return the CALM or the token baseline of the directory
     */
    StepModel languageModel(Tokenizer tokenizer, NDManager root) {
        ConfigFields config = ModelDirectory.config(modelDir);
        return switch (ModelKind.of(config)) {
            case CALM -> {
                checkVocabulary(PretrainedCalm.config(config).backbone().vocabSize(), tokenizer);
                yield Calm.fromPretrained(modelDir, aeDir, root);
            }
            case BASELINE -> {
                checkVocabulary(PretrainedTokenBaseline.config(config).vocabSize(), tokenizer);
                yield TokenBaseline.fromPretrained(modelDir, root);
            }
            case AUTOENCODER -> throw new CalmException(modelDir + " holds an autoencoder, not a language model "
                    + "(a CALM or a token baseline)");
        };
    }

    /**
     * @param tokenizer the directory's tokenizer
     * @param root the manager the model lives in
     * @return the directory's autoencoder, or the CALM's when it holds a CALM
     */
    Autoencoder autoencoder(Tokenizer tokenizer, NDManager root) {
        Autoencoder ae = switch (kind()) {
            case AUTOENCODER -> Autoencoder.fromPretrained(modelDir, root);
            case CALM -> Calm.fromPretrained(modelDir, aeDir, root).autoencoder();
            case BASELINE -> throw new CalmException(modelDir + " holds a token baseline, which has no autoencoder");
        };
        checkVocabulary(ae.config().vocabSize(), tokenizer);
        return ae;
    }

    private void checkVocabulary(int vocab, Tokenizer tokenizer) {
        if (vocab != tokenizer.vocabSize()) {
            throw new CalmException("the tokenizer of " + modelDir + " has " + tokenizer.vocabSize()
                    + " ids (with [PAD]) but its model has vocab_size " + vocab);
        }
    }
}
