/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.examples.pipeline.AutoencoderStage;
import dev.calm.examples.pipeline.RunModels;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code calm train-ae}: CALM's first stage on its own, the quickstart's autoencoder stage in a run directory
 * that has a tokenizer: the K-token autoencoder trained within a budget into {@code <run-dir>/autoencoder/}, then
 * its held-out reconstruction accuracy. The options are the quickstart's {@code --ae-*} ones, so one config file
 * serves both; a rerun resumes the training.
 */
@Command(name = "train-ae", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the run directory's K-token autoencoder (CALM's first stage); needs its tokenizer.")
final class TrainAutoencoderCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "the run directory with tokenizer.json; "
            + "the autoencoder goes to its autoencoder/ (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--ae-minutes", defaultValue = "7", description = "training budget in minutes (default: ${DEFAULT-VALUE})")
    private double minutes;

    @CommandLine.Mixin
    private AutoencoderOptions options;

    @CommandLine.Mixin
    private CorpusOptions corpusOptions;

    @CommandLine.Mixin
    private CheckpointOptions checkpoints;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        UsageChecks.require(spec, () -> corpusOptions.problem(true), checkpoints::problem,
                () -> minutes > 0 ? null : "--ae-minutes must be > 0, got " + minutes, () -> options.problem(minutes),
                () -> corpusOptions.preparedProblem(RunModels.tokenizerFile(runDir)));
        return RunModels.locked(runDir, spec.qualifiedName(" "), this::train);
    }

    private int train() {
        PrintWriter out = spec.commandLine().getOut();
        CorpusOptions.Splits splits = corpusOptions.splits(runDir, runtime.seed(), out);
        try (NDManager root = runtime.open()) {
            Path dir = runDir.resolve(RunModels.AUTOENCODER);
            AutoencoderConfig config = options.config(splits.tokenizer().vocabSize());
            RunModels.checkResumable(dir, RunModels.AUTOENCODER, config, AutoencoderConfig.class);
            RunRecord.write(spec, runDir);
            out.printf(Locale.ROOT, "models run on %s%n", runtime.device());
            AutoencoderStage.run(RunModels.directory(dir), config, splits.blocks(),
                    options.stage(minutes, runtime.seed(), checkpoints), root, out);
        } finally {
            splits.tokenizer().close();
        }
        return 0;
    }
}
