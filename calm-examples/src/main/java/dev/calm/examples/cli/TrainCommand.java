/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Rng;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.examples.pipeline.AutoencoderStage;
import dev.calm.examples.pipeline.LanguageModelStage;
import dev.calm.examples.pipeline.ModelConfigFile;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.examples.pipeline.SplitBlocks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code calm train --model calm|baseline}: one of the quickstart's language models, trained on its own in a
 * run directory that has a tokenizer (and, for CALM, a trained autoencoder), into {@code <run-dir>/<model>/}.
 * The options are the quickstart's, so one config file serves both; a rerun resumes the training, and a model
 * whose training is complete is reloaded, not trained again.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train CALM (on the run's autoencoder) or the token baseline; needs the run's tokenizer.")
final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "the run directory with tokenizer.json "
            + "(and autoencoder/ for CALM); the model goes to its calm/ or baseline/ (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--model", defaultValue = RunModels.CALM, description = "calm or baseline (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(names = "--lm-minutes", defaultValue = "6", description = "training budget in minutes (default: ${DEFAULT-VALUE})")
    private double minutes;

    @CommandLine.Mixin
    private LanguageModelOptions options;

    @CommandLine.Mixin
    private CorpusOptions corpusOptions;

    @CommandLine.Mixin
    private CheckpointOptions checkpoints;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        validate();
        String problem = corpusOptions.preparedProblem(RunModels.tokenizerFile(runDir));
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
        return RunModels.locked(runDir, spec.qualifiedName(" "), this::train);
    }

    private int train() {
        PrintWriter out = spec.commandLine().getOut();
        CorpusOptions.Splits splits = corpusOptions.splits(runDir, runtime.seed(), out);
        try (Tokenizer tokenizer = splits.tokenizer(); NDManager root = runtime.open()) {
            Path dir = runDir.resolve(model);
            SplitBlocks train = splits.blocks().get("train");
            LanguageModelStage.Contender contender = contender(tokenizer, train, dir, root);
            RunRecord.write(spec, runDir, "train-" + model);
            out.printf(Locale.ROOT, "models run on %s%n", runtime.device());
            LanguageModelStage.run(RunModels.directory(dir), contender, train,
                    LanguageModelStage.monitorBlocks(splits.blocks().get("validation")),
                    options.stage(minutes, runtime.seed(), checkpoints), out);
        }
        return 0;
    }

    /** The model to train, after every file it builds on was checked against it. */
    private LanguageModelStage.Contender contender(Tokenizer tokenizer, SplitBlocks train, Path dir, NDManager root) {
        int vocab = tokenizer.vocabSize();
        Rng init = new Rng(runtime.seed());
        if (model.equals(RunModels.CALM)) {
            Path aeDir = runDir.resolve(RunModels.AUTOENCODER);
            AutoencoderConfig ae = AutoencoderStage.config(aeDir);
            RunModels.checkVocabulary(aeDir, ae.vocabSize(), tokenizer);
            if (ModelConfigFile.exists(dir)) { // a CALM trained before: its autoencoder must not have changed
                RunModels.checkCompatible(aeDir, ModelConfigFile.read(dir, RunModels.CALM, CalmConfig.class), ae);
            }
            CalmConfig config = options.calmConfig(vocab, ae);
            RunModels.checkCompatible(aeDir, config, ae);
            RunModels.checkResumable(dir, RunModels.CALM, config, CalmConfig.class);
            Calm calm = Contenders.calm(config, AutoencoderStage.load(aeDir, root), init, root);
            if (train.inMemory() != null) { // a streamed corpus has no anchors: validate() refused them
                options.anchor(calm, train.inMemory());
            }
            return Contenders.of(calm, options);
        }
        RunModels.checkResumable(dir, RunModels.BASELINE, TransformerConfig.small(vocab), TransformerConfig.class);
        return Contenders.of(Contenders.baseline(vocab, init, root), options.learningRate(model));
    }

    private void validate() {
        UsageChecks.require(spec, () -> corpusOptions.problem(true),
                () -> corpusOptions.prepared() && ((Integer) spec.findOption("--calm-anchors").getValue()) > 0
                        ? "--calm-anchors counts chunks over the whole training split in memory: not available when "
                                + "--data is a prepared corpus" : null,
                checkpoints::problem,
                () -> model.equals(RunModels.CALM) || model.equals(RunModels.BASELINE) ? null
                        : "--model must be calm or baseline, got '" + model + "'",
                () -> minutes > 0 ? null : "--lm-minutes must be > 0, got " + minutes,
                () -> options.problem(minutes));
    }
}
