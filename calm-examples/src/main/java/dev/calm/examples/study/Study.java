/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.io.DType;
import dev.calm.diagnostics.HeadDiagnostics;
import dev.calm.diagnostics.LatentGeometry;
import dev.calm.energy.AncestralDecoding;
import dev.calm.energy.Calm;
import dev.calm.energy.StepModel;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.eval.NgramModel;
import dev.calm.eval.ReconstructionEval;
import dev.calm.training.AutoencoderObjective;
import dev.calm.training.CalmObjective;
import dev.calm.training.LearningRateSchedule;
import dev.calm.training.Objective;
import dev.calm.training.ShuffledBlocks;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainResult;
import dev.calm.training.Trainer;
import dev.calm.training.TrainingHook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the arms of an ablation on one corpus, the small-scale study's machinery (docs/measured.md): for each arm
 * an autoencoder (trained once per recipe and shared by the arms that name it), its latent geometry, a CALM
 * trained on it with its head diagnostics logged, and Brier-1..4 of the CALM's samples on the same held-out
 * blocks for every arm, beside the unigram and bigram reference samplers scored on those blocks too.
 *
 * <pre>{@code
 * Study study = new Study(data, runDir, root, seed, 64);
 * StudyResult r = study.run(new StudyArm("l = 32", aeRecipe.with(aeConfig.withLatentSize(32)), calmRecipe));
 * System.out.print(StudyResult.header() + r.row());
 * }</pre>
 */
public final class Study {

    private static final Logger LOG = LoggerFactory.getLogger(Study.class);
    /** Blocks per forward pass of the evaluations. */
    private static final int EVAL_BATCH = 8;
    /** Samples per position of the sampled BrierLM estimator for K &gt;= 4 (as the quickstart scores CALM). */
    private static final int SAMPLES = 8;
    /** Steps between two head diagnostics logged during CALM's training. */
    private static final int DIAGNOSTICS_EVERY = 100;

    private final StudyData data;
    private final Path dir;
    private final NDManager root;
    private final long seed;
    private final int[][] evalBlocks;
    private final Path autoencoderCache;
    private final Map<AutoencoderRecipe, Trained> autoencoders = new HashMap<>();

    /** A trained autoencoder and what was measured of it. */
    private record Trained(Autoencoder model, double tokenAccuracy, LatentGeometry geometry) {}

    /**
     * @param data the corpus
     * @param dir where each model's run directory goes
     * @param root the manager the models live in
     * @param seed the seed of every initialisation, data order and sample
     * @param evalBlocks held-out blocks scored per arm (the same blocks for every arm)
     */
    public Study(StudyData data, Path dir, NDManager root, long seed, int evalBlocks) {
        this(data, dir, root, seed, evalBlocks, null);
    }

    /**
     * @param data the corpus
     * @param dir where each model's run directory goes
     * @param root the manager the models live in
     * @param seed the seed of every initialisation, data order and sample
     * @param evalBlocks held-out blocks scored per arm (the same blocks for every arm)
     * @param autoencoderCache a directory where trained autoencoders are kept by recipe, corpus and seed, so that
     *     studies that share a recipe train it once; null keeps them in memory only
     */
    public Study(StudyData data, Path dir, NDManager root, long seed, int evalBlocks, Path autoencoderCache) {
        this.data = data;
        this.dir = dir;
        this.root = root;
        this.seed = seed;
        this.evalBlocks = Arrays.copyOf(data.heldOut(), Math.min(evalBlocks, data.heldOut().length));
        this.autoencoderCache = autoencoderCache;
    }

    /** @return the held-out blocks every arm is scored on */
    public int[][] evalBlocks() {
        return evalBlocks;
    }

    /**
     * Brier-1..4 of the unigram and bigram samplers counted on the training split, on the arms' blocks.
     *
     * @return the results by name ("unigram", "bigram")
     */
    public Map<String, BrierLM.Result> references() {
        Map<String, BrierLM.Result> out = new LinkedHashMap<>();
        try (NgramModel unigram = NgramModel.unigram(data.trainTokens(), data.vocabSize(), root);
                NgramModel bigram = NgramModel.bigram(data.trainTokens(), data.vocabSize(), root)) {
            out.put("unigram", brier(unigram, "unigram").result());
            out.put("bigram", brier(bigram, "bigram").result());
        }
        return out;
    }

    /**
     * Trains and measures one arm.
     *
     * @param arm the arm
     * @return what it measured
     */
    public StudyResult run(StudyArm arm) {
        Trained ae = autoencoders.computeIfAbsent(arm.autoencoder(), this::trainAutoencoder);
        CalmRecipe r = arm.calm();
        Calm calm = new Calm(r.config().withChunking(ae.model().config().patchSize(), ae.model().config().latentSize()),
                ae.model());
        calm.initialize(root, new Rng(seed).fork("calm init"));
        CalmObjective objective = new CalmObjective(calm, r.auxWeight(), r.auxAnnealSteps());
        Rng heldOut = new Rng(seed).fork("held-out");
        double before = objective.heldOutLoss(evalBlocks, EVAL_BATCH, heldOut.fork("loss"));
        HeadDiagnosticsHook diagnostics = new HeadDiagnosticsHook(calm, Arrays.copyOf(evalBlocks,
                Math.min(16, evalBlocks.length)), DIAGNOSTICS_EVERY, seed);
        Map<String, Double> lrScales = r.headLrScale() == 1 ? Map.of()
                : Map.of(calm.head().parameterPrefix() + ".", r.headLrScale());
        TrainResult trained = fit(objective, r.steps(), r.batchSize(), r.learningRate(), r.warmupSteps(),
                LearningRateSchedule.Shape.CONSTANT, lrScales, "calm-" + slug(arm.name()), diagnostics);
        double after = objective.heldOutLoss(evalBlocks, EVAL_BATCH, heldOut.fork("loss"));
        HeadDiagnostics head = HeadDiagnostics.measure(calm, evalBlocks, EVAL_BATCH, heldOut.fork("head"));
        BrierLM brier = brier(r.ancestralDecoding() ? AncestralDecoding.of(calm) : calm, arm.name());
        StudyResult result = new StudyResult(arm.name(), ae.tokenAccuracy(), ae.geometry(), before, after, head,
                brier.result(), brier.terms(), trained.elapsedSeconds());
        LOG.info("{}: {}", arm.name(), result.metrics());
        return result;
    }

    private Trained trainAutoencoder(AutoencoderRecipe recipe) {
        Autoencoder ae = new Autoencoder(recipe.config());
        String name = String.format(Locale.ROOT, "autoencoder-%s-%08x-seed%d", data.name(),
                Json.toJson(recipe).hashCode(), seed);
        Path cached = autoencoderCache == null ? null : autoencoderCache.resolve(name + ".safetensors");
        if (cached != null && Files.exists(cached)) {
            ae.load(cached, root);
            LOG.info("autoencoder {} loaded from {}", recipe.config(), cached);
        } else {
            ae.initialize(root, new Rng(seed).fork("autoencoder init"));
            fit(new AutoencoderObjective(ae, recipe.randomChunks()), recipe.steps(), recipe.batchSize(),
                    recipe.learningRate(), Math.max(1, Math.min(100, recipe.steps() / 20)),
                    LearningRateSchedule.Shape.COSINE, Map.of(), name, null);
            if (cached != null) {
                try {
                    Files.createDirectories(autoencoderCache);
                } catch (IOException e) {
                    throw new CalmException("cannot create " + autoencoderCache + ": " + e.getMessage(), e);
                }
                ae.save(cached, DType.F32);
            }
        }
        Rng rng = new Rng(seed).fork("autoencoder eval");
        double accuracy = ReconstructionEval.sweep(ae, evalBlocks, EVAL_BATCH, new double[] {0}, rng.fork("recon"))
                .get(0).tokenAccuracy();
        LatentGeometry geometry = LatentGeometry.measure(ae, evalBlocks, rng.fork("geometry"));
        LOG.info("autoencoder {}: token accuracy {}\n{}", recipe.config(), accuracy, geometry.table());
        return new Trained(ae, accuracy, geometry);
    }

    private TrainResult fit(Objective objective, int steps, int batchSize, double learningRate, int warmup,
            LearningRateSchedule.Shape shape, Map<String, Double> lrScales, String name, TrainingHook hook) {
        TrainConfig config = TrainConfig.defaults(steps).toBuilder().seed(seed).learningRate(learningRate)
                .warmupSteps(warmup).lrShape(shape).lrScales(lrScales).logEvery(10).checkpointEvery(0)
                .progressBar(false).build();
        Trainer trainer = new Trainer(objective, new ShuffledBlocks(data.train(), batchSize, seed), config,
                dir.resolve(name));
        if (hook != null) {
            trainer.addHook(hook);
        }
        return trainer.fit();
    }

    private BrierLM brier(StepModel model, String name) {
        return BrierEvaluator.lowestVariance(model, SAMPLES).aggregate(evalBlocks, EVAL_BATCH,
                new Rng(seed).fork("brier " + name));
    }

    private static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9.=-]+", "_");
    }
}
