/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.diagnostics.LatentGeometry;
import dev.calm.eval.ReconstructionAccuracy;
import dev.calm.eval.ReconstructionEval;
import dev.calm.training.AutoencoderObjective;
import dev.calm.training.BlockBatches;
import dev.calm.training.LearningRateSchedule;
import dev.calm.training.StepMetrics;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainResult;
import dev.calm.training.TrainingContext;
import dev.calm.training.TrainingHook;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart's autoencoder stage (CALM's first stage): train the CPU-preset K-token autoencoder within a
 * time budget, then report held-out reconstruction accuracy with and without Gaussian noise on the latent.
 * A run directory that already holds the stage's plan resumes it from its latest checkpoint.
 */
public final class AutoencoderStage {

    /** The latent-geometry report's file in the stage's directory. */
    public static final String GEOMETRY = "latent-geometry.json";
    /** Held-out blocks of the latent-geometry report (4,096 chunks at K = 4). */
    private static final int GEOMETRY_BLOCKS = 64;

    /** Blocks used for the held-out accuracy logged during training. */
    private static final int MONITOR_BLOCKS = 8;

    /**
     * What the stage does.
     *
     * @param minutes wall-clock budget of the training
     * @param steps optimizer steps, or 0 to size them to the budget from a throughput measurement
     * @param batchSize blocks per optimizer step
     * @param learningRate peak learning rate (warm-up, then cosine decay)
     * @param evalTokens at most this many tokens of each held-out corpus are evaluated
     * @param sigmas noise levels of the robustness sweep
     * @param randomChunks fraction of training chunks replaced by random ids (vocabulary coverage)
     * @param seed seed of initialisation, data order and dropout
     * @param checkpointEvery optimizer steps between two checkpoints
     */
    public record Options(double minutes, int steps, int batchSize, double learningRate, int evalTokens, double[] sigmas,
            double randomChunks, long seed, int checkpointEvery) {}

    private AutoencoderStage() {}

    /**
     * @param dir the stage's run directory
     * @param config the autoencoder to train
     * @param tokens the encoded corpora ("train" and the held-out ones)
     * @param options what to do
     * @param root the manager the model lives in
     * @param out where results are printed
     * @return the trained autoencoder (its weights also in {@code dir/model.safetensors})
     */
    public static Autoencoder run(Path dir, AutoencoderConfig config, TokenizerStage tokens, Options options, NDManager root,
            PrintWriter out) {
        return run(dir, config, SplitBlocks.of(tokens.blocks()), options, root, out);
    }

    /**
     * @param dir the stage's run directory
     * @param config the autoencoder to train
     * @param splits "train", "validation" and any other held-out corpora, in memory or streamed from a prepared
     *     corpus
     * @param options what to do
     * @param root the manager the model lives in
     * @param out where results are printed
     * @return the trained autoencoder (its weights also in {@code dir/model.safetensors})
     */
    public static Autoencoder run(Path dir, AutoencoderConfig config, Map<String, SplitBlocks> splits, Options options,
            NDManager root, PrintWriter out) {
        RunModels.checkResumable(dir, RunModels.AUTOENCODER, config, AutoencoderConfig.class);
        Autoencoder ae = new Autoencoder(config);
        Rng rng = new Rng(options.seed());
        ae.initialize(root, rng.fork("autoencoder init"));
        SplitBlocks train = splits.get("train");
        int[][] validation = splits.get("validation").sample(MONITOR_BLOCKS);
        TrainConfig trainConfig = plan(dir, ae, train, options, out);
        out.printf(Locale.ROOT, "autoencoder: %,d parameters (d %d, K %d, l %d), %d steps of %d x %d tokens, "
                + "budget %.1f min%n", ae.numParameters(), config.hiddenSize(), config.patchSize(), config.latentSize(),
                trainConfig.maxSteps(), options.batchSize(), train.blockLength(), options.minutes());
        out.flush();

        TrainingHook monitor = new TrainingHook() { // held-out accuracy in metrics.jsonl, for the curves
            @Override
            public void onStep(StepMetrics m, TrainingContext context) {
                if (m.step() % 50 == 0 || m.step() == trainConfig.maxSteps()) {
                    double accuracy = ReconstructionEval.sweep(ae, validation, MONITOR_BLOCKS, new double[] {0},
                            rng.fork("monitor")).get(0).tokenAccuracy();
                    context.record("val_token_accuracy", accuracy);
                }
            }
        };
        BlockBatches data = train.batches(options.batchSize(), options.seed());
        TrainResult result = new StageRunner(dir, RunModels.AUTOENCODER).train(ae, config,
                new AutoencoderObjective(ae, options.randomChunks()), data, trainConfig, List.of(monitor));
        if (!(result.tokensPerSecond() > 0)) { // nothing left to train: the checkpoint was already at the end
            out.printf(Locale.ROOT, "already trained: %d steps in %.0f s, checkpoint %s%n", result.steps(),
                    result.elapsedSeconds(), result.lastCheckpoint());
        } else {
            out.printf(Locale.ROOT, "trained %d steps in %.0f s (%,.0f tokens/s), stopped by %s, final loss %.4f%n",
                    result.steps(), result.elapsedSeconds(), result.tokensPerSecond(), result.stopReason(),
                    result.finalLoss());
        }

        Map<String, SplitBlocks> heldOut = new LinkedHashMap<>(splits);
        heldOut.remove("train");
        reconstruction(dir.resolve("reconstruction.json"), ae, heldOut, options.evalTokens(), options.sigmas(),
                options.seed(), out);
        geometry(dir.resolve(GEOMETRY), ae, splits.get("validation"), options.seed(), out);
        return ae;
    }

    /**
     * The latent geometry of the trained autoencoder on held-out chunks ({@link LatentGeometry}): how far apart
     * chunks lie, how much of that their first tokens explain, the posterior's spread and the collapsed
     * dimensions.
     *
     * @param file where the report is written as JSON
     * @param ae the autoencoder
     * @param validation the held-out split
     * @param seed seed of the pairs and the noise
     * @param out where the table is printed
     * @return the report
     */
    public static LatentGeometry geometry(Path file, Autoencoder ae, SplitBlocks validation, long seed,
            PrintWriter out) {
        LatentGeometry g = LatentGeometry.measure(ae, validation.sample(GEOMETRY_BLOCKS),
                new Rng(seed).fork("geometry"));
        Json.write(file, g);
        out.printf(Locale.ROOT, "%n%s", g.table());
        out.flush();
        return g;
    }

    /**
     * Held-out reconstruction accuracy with and without Gaussian noise on the latent, on each corpus.
     *
     * @param file where the accuracies are written as JSON, by corpus, or null to only print them
     * @param ae the autoencoder
     * @param heldOut the held-out corpora by name, in memory or streamed from a prepared corpus
     * @param evalTokens at most this many tokens of each corpus are evaluated (whole blocks)
     * @param sigmas noise levels of the robustness sweep
     * @param seed seed of the blocks and of the noise
     * @param out where the tables are printed
     * @return the accuracies by corpus, one row per noise level
     */
    public static Map<String, List<ReconstructionAccuracy>> reconstruction(Path file, Autoencoder ae,
            Map<String, SplitBlocks> heldOut, int evalTokens, double[] sigmas, long seed, PrintWriter out) {
        Rng rng = new Rng(seed);
        Map<String, List<ReconstructionAccuracy>> report = new LinkedHashMap<>();
        for (Map.Entry<String, SplitBlocks> e : heldOut.entrySet()) {
            List<ReconstructionAccuracy> rows = ReconstructionEval.sweep(ae,
                    e.getValue().sample(Math.max(1, evalTokens / e.getValue().blockLength())),
                    16, sigmas, rng.fork("eval " + e.getKey()));
            report.put(e.getKey(), rows);
            out.printf(Locale.ROOT, "%nreconstruction on %s (held out):%n%s", e.getKey(), ReconstructionAccuracy.table(rows));
        }
        if (file != null) {
            Json.write(file, report);
        }
        out.flush();
        return report;
    }

    /**
     * Loads the autoencoder a previous run of the stage saved.
     *
     * @param dir the stage's run directory
     * @param root the manager the model lives in
     * @return the autoencoder
     */
    public static Autoencoder load(Path dir, NDManager root) {
        Autoencoder ae = new Autoencoder(config(dir));
        ae.load(dir.resolve(StageRunner.WEIGHTS), root);
        return ae;
    }

    /**
     * The config of the autoencoder a previous run of the stage saved, checked to be an autoencoder's.
     *
     * @param dir the stage's run directory
     * @return its config
     */
    public static AutoencoderConfig config(Path dir) {
        Path weights = dir.resolve(StageRunner.WEIGHTS);
        if (!Files.exists(weights) || !ModelConfigFile.exists(dir)) {
            throw new CalmException("CALM needs a trained autoencoder and " + (Files.exists(weights)
                    ? dir.resolve(ModelConfigFile.NAME) : weights) + " does not exist: run calm train-ae (or the "
                    + "quickstart with --ae-minutes > 0) first");
        }
        return ModelConfigFile.read(dir, RunModels.AUTOENCODER, AutoencoderConfig.class);
    }

    /**
     * The training plan: reused from the run directory when there is one (so a rerun resumes), else sized to the
     * time budget from a short throughput measurement on this machine.
     */
    private static TrainConfig plan(Path dir, Autoencoder ae, SplitBlocks train, Options options,
            PrintWriter out) {
        return StagePlan.of(dir, () -> {
            int steps = options.steps();
            if (steps == 0) {
                Rng calibration = new Rng(options.seed()).fork("calibration");
                double tokensPerSecond = Throughput.forwardBackward(
                        new AutoencoderObjective(ae, options.randomChunks()), ae.config().vocabSize(),
                        options.batchSize(), train.blockLength(), 6, calibration.javaRandom(), calibration);
                long tokensPerStep = (long) options.batchSize() * train.blockLength();
                // 80% of the budget: the optimizer update, monitoring, checkpoints and a busy machine take the rest
                steps = (int) Math.max(10, 0.8 * options.minutes() * 60 * tokensPerSecond / tokensPerStep);
            }
            return StagePlan.defaults(steps, options.seed(), options.learningRate(), options.minutes())
                    .warmupSteps(Math.max(1, Math.min(100, steps / 20)))
                    .lrShape(LearningRateSchedule.Shape.COSINE)
                    .keepCheckpoints(2)
                    .checkpointEvery(options.checkpointEvery())
                    .build();
        }, out);
    }
}
