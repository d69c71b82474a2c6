/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.AncestralDecoding;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import dev.calm.eval.NgramModel;
import dev.calm.training.RunLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trained models of a run directory: {@code tokenizer.json}, {@code autoencoder/}, and the language models
 * in {@code calm/} and {@code baseline/}, each a {@code config.json} (recording the model's type) beside a
 * {@code model.safetensors}. Every missing or mismatched file is reported in one line, before any weight is read.
 */
public final class RunModels {

    /** The model names a run directory can hold, as in its stage directories and in their configs' model_type. */
    public static final String CALM = "calm";
    /** The token baseline's name. */
    public static final String BASELINE = "baseline";
    /**
     * The run's CALM sampled with ancestral decoding ({@link AncestralDecoding}: tokens drawn from the decoder's
     * softmax, not its argmax; not in the paper): a name to score, not a stage directory.
     */
    public static final String CALM_ANCESTRAL = "calm-ancestral";
    /** The autoencoder's name. */
    public static final String AUTOENCODER = "autoencoder";
    /** Reference samplers counted on the training split, scored beside the trained models. */
    public static final String UNIGRAM = "unigram";
    /** The bigram reference sampler's name. */
    public static final String BIGRAM = "bigram";
    /** The reference samplers, in report order. */
    public static final List<String> REFERENCES = List.of(UNIGRAM, BIGRAM);
    /** The run directory's tokenizer. */
    public static final String TOKENIZER = "tokenizer.json";

    private static final Logger LOG = LoggerFactory.getLogger(RunModels.class);

    private RunModels() {}

    /**
     * @param runDir the run directory
     * @return its tokenizer, to be closed by the caller
     */
    public static Tokenizer tokenizer(Path runDir) {
        return HfTokenizer.load(tokenizerFile(runDir));
    }

    /**
     * Loads the run's autoencoder after checking its config against the tokenizer.
     *
     * @param runDir the run directory
     * @param tokenizer the run's tokenizer, whose vocabulary must be the autoencoder's
     * @param root the manager the model lives in
     * @return the autoencoder
     */
    public static Autoencoder autoencoder(Path runDir, Tokenizer tokenizer, NDManager root) {
        Path dir = runDir.resolve(AUTOENCODER);
        checkVocabulary(dir, AutoencoderStage.config(dir).vocabSize(), tokenizer);
        return AutoencoderStage.load(dir, root);
    }

    /**
     * Loads a trained language model.
     *
     * @param runDir the run directory
     * @param name {@value #CALM}, {@value #CALM_ANCESTRAL} (the run's CALM with ancestral decoding) or
     *     {@value #BASELINE}
     * @param tokenizer the run's tokenizer, whose vocabulary must be the model's
     * @param root the manager the model lives in
     * @return the model
     */
    public static StepModel load(Path runDir, String name, Tokenizer tokenizer, NDManager root) {
        if (name.equals(CALM_ANCESTRAL)) {
            return AncestralDecoding.of((Calm) load(runDir, CALM, tokenizer, root));
        }
        Path dir = runDir.resolve(name);
        Path weights = dir.resolve(StageRunner.WEIGHTS);
        if (!Files.isRegularFile(weights) || !ModelConfigFile.exists(dir)) {
            throw new CalmException("no trained " + name + " in " + dir + " (" + ModelConfigFile.NAME
                    + " and model.safetensors): run calm train --model " + name + " (or the quickstart) first");
        }
        return switch (name) {
            case CALM -> {
                CalmConfig config = ModelConfigFile.read(dir, CALM, CalmConfig.class);
                checkVocabulary(dir, config.backbone().vocabSize(), tokenizer);
                checkCompatible(dir, config, AutoencoderStage.config(runDir.resolve(AUTOENCODER)));
                Calm calm = new Calm(config, AutoencoderStage.load(runDir.resolve(AUTOENCODER), root));
                calm.load(weights, root);
                yield calm;
            }
            case BASELINE -> {
                TransformerConfig config = ModelConfigFile.read(dir, BASELINE, TransformerConfig.class);
                checkVocabulary(dir, config.vocabSize(), tokenizer);
                TokenBaseline baseline = new TokenBaseline(config);
                baseline.load(weights, root);
                yield baseline;
            }
            default -> throw new CalmException("unknown model '" + name + "': expected " + CALM + " or " + BASELINE);
        };
    }

    /**
     * A reference sampler: a unigram or bigram model of the training split ({@link NgramModel}), which ignores
     * (or nearly ignores) the context; a model that learned anything scores above it.
     *
     * @param name {@value #UNIGRAM} or {@value #BIGRAM}
     * @param train the training split's tokens, in memory or on disk ({@link SplitBlocks#tokens()})
     * @param vocab the vocabulary size
     * @param root the manager its table lives under (freed with it)
     * @return the model
     */
    public static NgramModel reference(String name, TokenStore train, int vocab, NDManager root) {
        return switch (name) {
            case UNIGRAM -> NgramModel.unigram(train, vocab, root);
            case BIGRAM -> NgramModel.bigram(train, vocab, root);
            default -> throw new CalmException("unknown reference '" + name + "': expected " + REFERENCES);
        };
    }

    /**
     * Checks that a model about to be trained in {@code dir} is the one whose files are there, if any, so that
     * training resumes it instead of failing half-way or mixing two models' files.
     *
     * @param dir the model's directory
     * @param type its model type
     * @param config the config about to be trained
     * @param configType the config's record
     */
    public static void checkResumable(Path dir, String type, Object config, Class<?> configType) {
        if (ModelConfigFile.exists(dir)) {
            Object saved = ModelConfigFile.read(dir, type, configType);
            if (!saved.equals(config)) {
                throw new CalmException(dir.resolve(ModelConfigFile.NAME) + " holds another " + type + " than the one "
                        + "to train (" + String.join(", ", differences(Json.MAPPER.valueToTree(saved),
                        Json.MAPPER.valueToTree(config), "")) + "): use another --run-dir");
            }
        }
    }

    /** "name saved -> wanted" for every field (dotted within nested objects) whose values differ. */
    private static List<String> differences(JsonNode saved, JsonNode wanted, String prefix) {
        List<String> out = new ArrayList<>();
        wanted.fieldNames().forEachRemaining(name -> {
            JsonNode a = saved.get(name);
            JsonNode b = wanted.get(name);
            if (a != null && a.isObject() && b.isObject()) {
                out.addAll(differences(a, b, prefix + name + "."));
            } else if (!b.equals(a)) {
                out.add(prefix + name + " " + a + " -> " + b);
            }
        });
        return out;
    }

    /**
     * @param dir the directory of the model whose config the message names (the CALM's, or the autoencoder's
     *     when a new CALM is to be trained on it)
     * @param calm the CALM's config
     * @param ae the autoencoder's config
     */
    public static void checkCompatible(Path dir, CalmConfig calm, AutoencoderConfig ae) {
        try {
            calm.checkCompatible(ae);
        } catch (CalmException e) {
            throw new CalmException(dir.resolve(ModelConfigFile.NAME) + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param dir a directory of the run
     * @return the directory, created if it was missing
     */
    public static Path directory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CalmException("cannot create the directory " + dir + ": " + e, e);
        }
    }

    /**
     * Runs a command's work under the run directory's writer lock ({@link RunLock}), taken before anything is
     * written there: a second writer is refused in one line, naming the holder.
     *
     * @param runDir the run directory, created if missing
     * @param command the command ("calm train-ae"), which the lock records for a second writer's message
     * @param work what the command does
     * @param <T> its result
     * @return the work's result
     */
    public static <T> T locked(Path runDir, String command, Supplier<T> work) {
        try (RunLock held = RunLock.acquire(runDir, command)) {
            LOG.debug("holding {}", held.file());
            return work.get();
        }
    }

    /**
     * @param runDir the run directory
     * @return its {@value #TOKENIZER}, which must exist
     */
    public static Path tokenizerFile(Path runDir) {
        Path file = runDir.resolve(TOKENIZER);
        if (!Files.isRegularFile(file)) {
            throw new CalmException(file + " does not exist: run calm tokenizer train (or the quickstart) with "
                    + "--run-dir " + runDir + " first");
        }
        return file;
    }

    /**
     * @param dir the model's directory, for the message
     * @param vocab the model's vocabulary size
     * @param tokenizer the run's tokenizer
     */
    public static void checkVocabulary(Path dir, int vocab, Tokenizer tokenizer) {
        if (vocab != tokenizer.vocabSize()) {
            throw new CalmException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model in " + dir
                    + " was trained with a vocabulary of " + vocab + ": they are from different runs");
        }
    }
}
