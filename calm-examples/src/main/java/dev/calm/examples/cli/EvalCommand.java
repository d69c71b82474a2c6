/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.StepModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm eval}: BrierLM of the models of a run directory on the held-out split of the corpus (the same
 * split as the quickstart's with the same options) and on {@code --eval-data} files, written to
 * {@code brier-eval.json} in the run directory.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "BrierLM (Brier-1..4 with standard errors) of trained models on held-out text.")
final class EvalCommand implements Callable<Integer> {

    /** Tokens per scored block, as the quickstart's blocks. */
    private static final int BLOCK_LENGTH = 256;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "the run directory with tokenizer.json and the models (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--model", split = ",", defaultValue = "calm,baseline", description = "models to score (default: ${DEFAULT-VALUE})")
    private List<String> models;

    @Option(names = "--tokens", defaultValue = "32768", description = "held-out tokens scored per corpus (default: ${DEFAULT-VALUE})")
    private int tokens;

    @CommandLine.Mixin
    private CorpusOptions corpus;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        String problem = corpus.problem();
        if (problem == null && tokens < BLOCK_LENGTH) {
            problem = "--tokens must be >= " + BLOCK_LENGTH + ", got " + tokens;
        }
        if (problem == null && models.stream().anyMatch(m -> !m.equals(RunModels.CALM) && !m.equals(RunModels.BASELINE))) {
            problem = "--model takes calm and/or baseline, got " + models;
        }
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Tokenizer tokenizer = RunModels.tokenizer(runDir); NDManager root = runtime.open()) {
            Map<String, StepModel> loaded = new LinkedHashMap<>();
            for (String name : models) {
                loaded.put(name, RunModels.load(runDir, name, tokenizer, root));
            }
            CorpusStage texts = corpus.prepare(runtime.seed(), out);
            Map<String, TokenBlocks> heldOut = new LinkedHashMap<>();
            texts.heldOut().forEach((name, docs) -> heldOut.put(name, TokenBlocks.encode(docs, tokenizer::encode,
                    tokenizer.eosId(), BLOCK_LENGTH, 4)));
            out.printf(Locale.ROOT, "BrierLM on %,d held-out tokens per corpus%n", tokens);
            BrierStage.run(runDir.resolve("brier-eval.json"), loaded, heldOut, tokens, runtime.seed(), root, out);
        }
        return 0;
    }
}
