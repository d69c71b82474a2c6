/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.nn.Module;
import dev.calm.energy.Calm;
import dev.calm.energy.StepModel;
import dev.calm.examples.study.HeadDiagnosticsHook;
import dev.calm.training.BlockBatches;
import dev.calm.training.LearningRateSchedule;
import dev.calm.training.Objective;
import dev.calm.training.StepMetrics;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainResult;
import dev.calm.training.TrainingContext;
import dev.calm.training.TrainingHook;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The quickstart's language-model stages: CALM and the token baseline each train for the same wall-clock budget
 * on the same blocks, with the held-out loss logged during training (the curves are in each stage's
 * {@code metrics.jsonl}). A stage that finished before is not trained again: its weights are reloaded.
 */
public final class LanguageModelStage {

    /** Held-out blocks of the loss logged during training. */
    private static final int MONITOR_BLOCKS = 16;
    /** Steps between two held-out losses. */
    private static final int MONITOR_EVERY = 100;
    /** Marks a stage whose training is complete. */
    public static final String SUMMARY = "summary.json";

    /**
     * One model of the comparison.
     *
     * @param name short name ("calm", "baseline"), also the stage's directory and the model type in its
     *     {@code config.json}
     * @param description one line: the model and its shape
     * @param model the model, initialised in the root manager
     * @param objective how it is trained
     * @param learningRate its peak learning rate
     * @param lrScales learning-rate factors of its parameter groups, by name prefix
     * @param config the model's config, saved beside its weights as {@code config.json}
     * @param sampler the model as generation and BrierLM see it (the same object as {@code model})
     */
    public record Contender(String name, String description, Module model, Objective objective, double learningRate,
            Map<String, Double> lrScales, Object config, StepModel sampler) {}

    /**
     * What a finished stage measured, also written to its {@code summary.json}.
     *
     * @param name the contender's name
     * @param parameters trainable parameters
     * @param steps optimizer steps
     * @param seconds training wall time
     * @param tokensPerSecond training throughput, text tokens per second
     * @param trainFlops training FLOPs counted from the model's shapes
     * @param heldOutBefore held-out loss of the untrained model
     * @param heldOutAfter held-out loss after training
     * @param overheadSeconds training time spent outside the steps (evaluation during training, checkpoints) in the
     *     last session; summaries written before it read as 0
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(String name, long parameters, long steps, double seconds, double tokensPerSecond, double trainFlops,
            double heldOutBefore, double heldOutAfter, @JsonProperty(defaultValue = "0") double overheadSeconds) {

        /**
         * Reads a stage's {@code summary.json}. Summaries written before the file went snake_case (their keys in
         * camelCase, as {@code tokensPerSecond}) read the same.
         *
         * @param file the stage's summary
         * @return the summary
         */
        public static Summary read(Path file) {
            try {
                JsonNode tree = Json.MAPPER.readTree(file.toFile());
                if (tree != null && tree.has("tokensPerSecond")) { // the camelCase format of earlier runs
                    ObjectNode snake = Json.MAPPER.createObjectNode();
                    tree.properties().forEach(e -> snake.set(SNAKE_CASE.translate(e.getKey()), e.getValue()));
                    return Json.parse(snake.toString(), Summary.class, file.toString());
                }
            } catch (IOException e) {
                // missing, unreadable or malformed: Json.read names the problem in one line
            }
            return Json.read(file, Summary.class);
        }
    }

    /** The on-disk spelling of {@link Summary}'s fields. */
    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /**
     * The budget shared by both contenders.
     *
     * @param minutes wall-clock training budget of each model
     * @param steps optimizer steps, or 0 to train until the budget is spent
     * @param batchSize blocks per step
     * @param warmup learning-rate warm-up steps
     * @param seed seed of data order and noise
     * @param checkpointEvery optimizer steps between two checkpoints
     */
    public record Options(double minutes, int steps, int batchSize, int warmup, long seed, int checkpointEvery) {}

    private LanguageModelStage() {}

    /**
     * Trains a contender (or reloads it when its stage is complete) and prints what it measured.
     *
     * @param dir the stage's directory
     * @param c the contender
     * @param train training blocks
     * @param validation held-out blocks
     * @param options the budget
     * @param out where results are printed
     * @return the stage's summary
     */
    public static Summary run(Path dir, Contender c, TokenBlocks train, int[][] validation, Options options,
            PrintWriter out) {
        return run(dir, c, SplitBlocks.of(train), validation, options, out);
    }

    /**
     * Trains a contender (or reloads it when its stage is complete) and prints what it measured.
     *
     * @param dir the stage's directory
     * @param c the contender
     * @param train the training split, in memory or streamed from a prepared corpus
     * @param validation held-out blocks
     * @param options the budget
     * @param out where results are printed
     * @return the stage's summary
     */
    public static Summary run(Path dir, Contender c, SplitBlocks train, int[][] validation, Options options,
            PrintWriter out) {
        Path summaryFile = dir.resolve(SUMMARY);
        StageRunner stage = new StageRunner(dir, c.name());
        Path weights = stage.weights();
        out.printf(Locale.ROOT, "%s: %s, %,d parameters%n", c.name(), c.description(), c.model().numParameters());
        if (Files.exists(summaryFile) && Files.exists(weights)) {
            c.model().load(weights, c.model().manager()); // back into the manager it was initialised in
            Summary done = Summary.read(summaryFile);
            if (!ModelConfigFile.exists(dir)) { // a run directory from before configs were saved
                ModelConfigFile.write(dir, c.name(), c.config());
            }
            out.printf(Locale.ROOT, "already trained: %d steps in %.0f s; weights reloaded from %s%n", done.steps(),
                    done.seconds(), weights);
            return done;
        }
        Rng draws = new Rng(options.seed()).fork("held-out " + c.name());
        // the same noise for every evaluation, so that the curve is not noisier than it must be
        DoubleSupplier heldOutLoss =
                () -> c.objective().heldOutLoss(validation, options.batchSize(), draws.fork("draws"));
        double before = heldOutLoss.getAsDouble();
        BrierCurve brierCurve = new BrierCurve(c.sampler(), validation, options.seed());
        TrainConfig config = StagePlan.of(dir, () -> StagePlan.defaults(
                options.steps() > 0 ? options.steps() : Integer.MAX_VALUE, options.seed(), c.learningRate(),
                options.minutes())
                .warmupSteps(options.warmup())
                .lrShape(LearningRateSchedule.Shape.CONSTANT)
                .keepCheckpoints(1)
                .lrScales(c.lrScales())
                .checkpointEvery(options.checkpointEvery())
                .build(), out);
        out.printf(Locale.ROOT, "training %s for %s on %d x %d tokens per step, lr %.3g%s (warm-up %d, constant)%n",
                c.name(), config.maxSteps() < Integer.MAX_VALUE ? config.maxSteps() + " steps"
                        : String.format(Locale.ROOT, "%.1f min", config.maxMinutes()),
                options.batchSize(), train.blockLength(), c.learningRate(),
                c.lrScales().isEmpty() ? "" : " x " + c.lrScales(), options.warmup());
        out.flush();
        TrainingHook monitor = new TrainingHook() {
            @Override
            public void onStep(StepMetrics m, TrainingContext context) {
                if (m.step() % MONITOR_EVERY == 0) {
                    context.record("val_loss", heldOutLoss.getAsDouble());
                    brierCurve.record(context);
                }
            }
        };
        List<TrainingHook> hooks = new ArrayList<>(List.of(monitor));
        if (c.model() instanceof Calm calm) {
            HeadDiagnosticsHook diagnostics = new HeadDiagnosticsHook(calm, validation, MONITOR_EVERY, options.seed());
            hooks.add(diagnostics);
            hooks.add(new TrainingHook() {
                @Override
                public void onEnd(TrainResult result) {
                    out.printf(Locale.ROOT, "%s%n", diagnostics.measure());
                }
            });
        }
        BlockBatches data = train.batches(options.batchSize(), options.seed());
        TrainResult r = stage.train(c.model(), c.config(), c.objective(), data, config, hooks);
        double after = heldOutLoss.getAsDouble();
        Summary s = new Summary(c.name(), c.model().numParameters(), r.steps(), r.elapsedSeconds(),
                r.tokensPerSecond(), r.trainFlops(), before, after, r.overheadSeconds());
        Json.write(summaryFile, s);
        out.printf(Locale.ROOT, "trained %d steps in %.0f s: %,.0f tokens/s, %.3g training FLOPs (%.1f GFLOP/s); "
                + "held-out loss %.4f -> %.4f; %.0f s (%.1f%%) of evaluation and checkpoints%n", s.steps(), s.seconds(),
                s.tokensPerSecond(), s.trainFlops(), s.trainFlops() / s.seconds() / 1e9, before, after,
                s.overheadSeconds(), 100 * s.overheadSeconds() / s.seconds());
        out.flush();
        return s;
    }

    /**
     * @param validation the held-out blocks
     * @return a sample of them for the held-out loss and the Brier curve logged during training
     */
    public static int[][] monitorBlocks(TokenBlocks validation) {
        return validation.sample(MONITOR_BLOCKS);
    }

    /**
     * @param validation the held-out split
     * @return a sample of it for the held-out loss and the Brier curve logged during training
     */
    public static int[][] monitorBlocks(SplitBlocks validation) {
        return validation.sample(MONITOR_BLOCKS);
    }
}
