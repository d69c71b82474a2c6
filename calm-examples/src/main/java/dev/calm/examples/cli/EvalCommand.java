/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.pretrained.ModelKind;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.diagnostics.HeadDiagnostics;
import dev.calm.eval.ChunkStatistics;
import dev.calm.energy.Calm;
import dev.calm.energy.StepModel;
import dev.calm.examples.pipeline.AutoencoderStage;
import dev.calm.examples.pipeline.BrierStage;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.examples.pipeline.SplitBlocks;
import dev.calm.examples.pipeline.TokenizerStage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code calm eval}: the models of a run directory on the held-out split of the corpus (the same split as the
 * quickstart's with the same options) and on {@code --eval-data} files, or the model of a {@code --model-dir}
 * (the reference implementation's layout): BrierLM of the language models, written
 * to {@code brier-eval.json}, and the autoencoder's reconstruction accuracy with and without noise on the latent,
 * written to {@code reconstruction-eval.json}, both in the run directory.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "BrierLM (Brier-1..4 with standard errors) of trained models and the autoencoder's "
                + "reconstruction accuracy, on held-out text.")
final class EvalCommand implements Callable<Integer> {

    /** The metric of the language models. */
    static final String BRIER = "brierlm";
    /** The metric of the autoencoder. */
    static final String RECONSTRUCTION = "reconstruction";
    /** The autoencoder's latent-geometry report. */
    static final String GEOMETRY = "geometry";
    /** CALM's head diagnostics. */
    static final String HEAD = "head";
    /** How often whole chunks recur ({@link ChunkStatistics}). */
    static final String CHUNKS = "chunks";

    /** Blocks per forward pass of the head diagnostics. */
    private static final int HEAD_BATCH = 8;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-dir", defaultValue = "runs/quickstart", description = "the run directory with tokenizer.json and the models (default: ${DEFAULT-VALUE})")
    private Path runDir;

    @Option(names = "--metrics", split = ",", defaultValue = BRIER + "," + RECONSTRUCTION, description = "what to "
            + "evaluate: brierlm (of the --model language models), reconstruction and/or geometry (of the "
            + "autoencoder: its latent-geometry report), head (CALM's head diagnostics on --tokens held-out tokens), "
            + "chunks (how often the held-out split's whole chunks of the autoencoder's K tokens occur in training, "
            + "and the Brier-K of a context-free chunk sampler) (default: ${DEFAULT-VALUE})")
    private List<String> metrics;

    @Option(names = "--model", split = ",", defaultValue = "calm,baseline", description = "language models scored for BrierLM: calm, baseline, the reference samplers unigram and bigram "
            + "(counted on the training split), and calm-ancestral (the run's CALM with each token drawn from the "
            + "decoder's softmax instead of its argmax; not in the paper) (default: ${DEFAULT-VALUE})")
    private List<String> models;

    @Option(names = "--tokens", defaultValue = "32768", description = "held-out tokens scored for BrierLM per corpus (default: ${DEFAULT-VALUE})")
    private int tokens;

    @Option(names = "--eval-tokens", defaultValue = "65536", description = "held-out tokens reconstructed per corpus (default: ${DEFAULT-VALUE})")
    private int evalTokens;

    @Option(names = "--sigmas", split = ",", defaultValue = AutoencoderOptions.SIGMAS, description = "noise levels "
            + "of the reconstruction sweep (default: ${DEFAULT-VALUE})")
    private double[] sigmas;

    @CommandLine.Mixin
    private CorpusOptions corpus;

    @CommandLine.Mixin
    private PretrainedOptions pretrained;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        validate();
        if (corpus.prepared()) { // checked from its indices before anything is read or written
            String problem = corpus.preparedProblem(pretrained.given() ? pretrained.tokenizerFile()
                    : RunModels.tokenizerFile(runDir));
            if (problem != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), problem);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (pretrained.given()) {
            return evaluatePretrained(out);
        }
        try (Tokenizer tokenizer = RunModels.tokenizer(runDir); NDManager root = runtime.open()) {
            Map<String, StepModel> loaded = new LinkedHashMap<>();
            if (metrics.contains(BRIER)) {
                for (String name : models) {
                    if (!RunModels.REFERENCES.contains(name)) {
                        loaded.put(name, RunModels.load(runDir, name, tokenizer, root));
                    }
                }
            }
            Autoencoder ae = metrics.contains(RECONSTRUCTION) || metrics.contains(GEOMETRY) || metrics.contains(CHUNKS)
                    ? RunModels.autoencoder(runDir, tokenizer, root) : null;
            CorpusOptions.Evaluated corpora = corpus.evaluated(RunModels.tokenizerFile(runDir), tokenizer,
                    runtime.seed(), out);
            SplitBlocks train = metrics.contains(CHUNKS)
                    || metrics.contains(BRIER) && models.stream().anyMatch(RunModels.REFERENCES::contains)
                    ? corpora.train().get() : null;
            if (metrics.contains(BRIER)) {
                for (String name : models) {
                    if (RunModels.REFERENCES.contains(name)) {
                        loaded.put(name, RunModels.reference(name, train.tokens(), tokenizer.vocabSize(), root));
                    }
                }
            }
            Map<String, SplitBlocks> heldOut = corpora.heldOut();
            RunRecord.write(spec, runDir);
            if (!loaded.isEmpty()) {
                out.printf(Locale.ROOT, "BrierLM on %,d held-out tokens per corpus%n", tokens);
                BrierStage.run(runDir.resolve("brier-eval.json"), loaded, heldOut, tokens, runtime.seed(), out);
            }
            if (metrics.contains(RECONSTRUCTION)) {
                AutoencoderStage.reconstruction(runDir.resolve("reconstruction-eval.json"), ae, heldOut, evalTokens,
                        sigmas, runtime.seed(), out);
            }
            if (metrics.contains(GEOMETRY)) {
                AutoencoderStage.geometry(runDir.resolve("latent-geometry-eval.json"), ae, heldOut.get("validation"),
                        runtime.seed(), out);
            }
            if (metrics.contains(CHUNKS)) {
                ChunkStatistics chunks = ChunkStatistics.measure(train.inMemory().tokens(),
                        heldOut.get("validation").inMemory().toArray(), ae.config().patchSize());
                Json.write(runDir.resolve("chunk-statistics-eval.json"), chunks.toMap());
                out.printf(Locale.ROOT, "%s%n", chunks);
                out.flush();
            }
            if (metrics.contains(HEAD)) {
                Calm calm = (Calm) (loaded.containsKey(RunModels.CALM) ? loaded.get(RunModels.CALM)
                        : RunModels.load(runDir, RunModels.CALM, tokenizer, root));
                headDiagnostics(calm, heldOut.get("validation"), out);
            }
        }
        return 0;
    }

    /** {@link HeadDiagnostics} on {@code --tokens} held-out tokens, printed and written to the run directory. */
    private void headDiagnostics(Calm calm, SplitBlocks validation, PrintWriter out) {
        int[][] blocks = validation.sample(Math.max(1, tokens / TokenizerStage.BLOCK_LENGTH));
        HeadDiagnostics d = HeadDiagnostics.measure(calm, blocks, HEAD_BATCH, new Rng(runtime.seed()).fork("head"));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("positions", d.positions());
        report.putAll(d.metrics());
        Json.write(runDir.resolve("head-diagnostics-eval.json"), report);
        out.printf(Locale.ROOT, "%s%n", d);
        for (int n = 1; n <= d.accuracy().length; n++) {
            out.printf(Locale.ROOT, "first %d token(s): accuracy %.5f, two samples agree %.5f, collision / accuracy "
                    + "%.2f, Brier-%d %.5f%n", n, d.accuracy()[n - 1], d.collision()[n - 1], d.overconfidence(n), n,
                    d.brier(n));
        }
        out.flush();
    }

    /**
     * The model of {@code --model-dir}: BrierLM of a CALM or a baseline, reconstruction of an autoencoder or of a
     * CALM's; results are printed, and written into {@code --run-dir} only when it is given.
     */
    private int evaluatePretrained(PrintWriter out) {
        ModelKind kind = pretrained.kind();
        boolean brier = metrics.contains(BRIER) && kind != ModelKind.AUTOENCODER;
        boolean reconstruction = metrics.contains(RECONSTRUCTION) && kind != ModelKind.BASELINE;
        if (!brier && !reconstruction) {
            throw new CommandLine.ParameterException(spec.commandLine(), pretrained.dir() + " holds "
                    + (kind == ModelKind.AUTOENCODER ? "an autoencoder: use --metrics reconstruction"
                    : "a token baseline: use --metrics brierlm"));
        }
        boolean write = spec.commandLine().getParseResult().hasMatchedOption("--run-dir");
        try (Tokenizer tokenizer = pretrained.tokenizer(); NDManager root = runtime.open()) {
            Autoencoder ae = null;
            Map<String, StepModel> loaded = new LinkedHashMap<>();
            if (brier) {
                StepModel model = pretrained.languageModel(tokenizer, root);
                loaded.put(kind.label(), model);
                ae = reconstruction && model instanceof Calm calm ? calm.autoencoder() : null;
            }
            if (reconstruction && ae == null) {
                ae = pretrained.autoencoder(tokenizer, root);
            }
            Map<String, SplitBlocks> heldOut = corpus.evaluated(pretrained.tokenizerFile(), tokenizer, runtime.seed(),
                    out).heldOut();
            Path results = write ? RunModels.directory(runDir) : null;
            if (write) {
                RunRecord.write(spec, runDir);
            }
            if (brier) {
                out.printf(Locale.ROOT, "BrierLM on %,d held-out tokens per corpus%n", tokens);
                BrierStage.run(results == null ? null : results.resolve("brier-eval.json"), loaded, heldOut, tokens,
                        runtime.seed(), out);
            }
            if (reconstruction) {
                AutoencoderStage.reconstruction(results == null ? null : results.resolve("reconstruction-eval.json"),
                        ae, heldOut, evalTokens, sigmas, runtime.seed(), out);
            }
        }
        return 0;
    }

    private void validate() {
        UsageChecks.require(spec, () -> corpus.problem(true),
                () -> corpus.prepared() && metrics.contains(CHUNKS) ? "--metrics chunks counts every chunk of the "
                        + "training split in memory: not available when --data is a prepared corpus" : null,
                () -> tokens >= TokenizerStage.BLOCK_LENGTH && evalTokens >= TokenizerStage.BLOCK_LENGTH ? null
                        : "--tokens and --eval-tokens must be >= " + TokenizerStage.BLOCK_LENGTH + ", got " + tokens
                                + " and " + evalTokens,
                () -> models.stream().allMatch(m -> m.equals(RunModels.CALM) || m.equals(RunModels.BASELINE)
                        || m.equals(RunModels.CALM_ANCESTRAL) || RunModels.REFERENCES.contains(m)) ? null
                        : "--model takes calm, baseline, unigram, bigram and/or calm-ancestral, got " + models,
                () -> !metrics.isEmpty()
                        && Set.of(BRIER, RECONSTRUCTION, GEOMETRY, HEAD, CHUNKS).containsAll(metrics) ? null
                        : "--metrics takes brierlm, reconstruction, geometry, head and/or chunks, got " + metrics);
    }
}
