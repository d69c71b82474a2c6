/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.examples.pipeline.CorpusStage;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.examples.pipeline.TokenizerStage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code calm tokenizer}: the commands of a run directory's tokenizer. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "The run directory's tokenizer.",
        subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code calm tokenizer train}: a byte-level BPE vocabulary learned from the training split of the corpus,
     * written to {@code <run-dir>/tokenizer.json}, with the statistics of every corpus under it. A run directory
     * that already has a tokenizer keeps it (its models were trained with it) and only prints the statistics.
     */
    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Learn a byte-level BPE tokenizer from the training split -> <run-dir>/tokenizer.json.")
    static final class Train implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "where tokenizer.json goes (default: ${DEFAULT-VALUE})")
        private Path runDir;

        @Option(names = "--vocab", description = "vocabulary size (default: 4096); a run directory's tokenizer is kept, "
                + "and a --vocab that disagrees with it is an error")
        private Integer vocab;

        @CommandLine.Mixin
        private CorpusOptions corpusOptions;

        @Option(names = "--seed", defaultValue = "0", description = "seed of the train/validation split (default: ${DEFAULT-VALUE})")
        private long seed;

        @Override
        public Integer call() {
            UsageChecks.require(spec, corpusOptions::problem,
                    () -> vocab == null || vocab > BpeTrainer.BASE_VOCAB ? null
                            : "--vocab must be > " + BpeTrainer.BASE_VOCAB + " (the bytes and end-of-text), got " + vocab);
            PrintWriter out = spec.commandLine().getOut();
            return RunModels.locked(runDir, spec.qualifiedName(" "), () -> {
                TokenizerStage.checkVocabulary(runDir, vocab);
                CorpusStage corpus = corpusOptions.prepare(seed, out);
                RunRecord.write(spec, runDir);
                TokenizerStage.prepare(runDir, corpus, vocab, TokenizerStage.BLOCK_LENGTH, TokenizerStage.PATCH_SIZE,
                        out).tokenizer().close();
                out.flush();
                return 0;
            });
        }
    }
}
