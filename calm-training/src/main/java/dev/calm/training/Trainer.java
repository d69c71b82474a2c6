/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.config.Json;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import dev.calm.core.nn.TrainingLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The training loop, generic over the {@link Objective}: per step, {@code grad_accumulation} micro-batches
 * (each loss scaled by 1/accumulation, so the update equals the big-batch one), clipping by global norm, a
 * learning rate from the warm-up schedule, and an {@link AdamW} update, all inside a {@link StepScope} so native
 * memory stays flat. A step whose loss or gradient norm is not finite is skipped (gradients zeroed, optimizer
 * untouched); {@code max_bad_steps} of them in a row stop the run with a {@link CalmException}.
 *
 * <p>Checkpoints ({@link CheckpointStore}) hold the model, the optimizer moments and the loop's state (step,
 * random stream, data position), so a run resumed from one produces the same losses, bit for bit on the CPU, as
 * a run that was never stopped. Metrics go to {@code metrics.jsonl} ({@link MetricsLog}) and to the log.
 *
 * <pre>{@code
 * try (NDManager root = Backend.newManager(Device.cpu())) {
 *     MyObjective objective = new MyObjective(root);            // initialises its model in root
 *     BatchSource data = new ShuffledBlocks(blocks, 8, seed);
 *     TrainConfig config = TrainConfig.defaults(10_000).toBuilder().resume(true).build();
 *     TrainResult result = new Trainer(objective, data, config, Path.of("runs/ae"))
 *             .addHook(new TrainingHook() {
 *                 public void onStep(StepMetrics m, TrainingContext context) {
 *                     if (m.step() % 100 == 0) {
 *                         context.record("heldout_ce", evaluate(context));
 *                     }
 *                 }
 *             })
 *             .fit();
 * }
 * }</pre>
 *
 * <p>{@link #fit()} switches the calling thread's autograd recording off while it runs (only the gradient collector
 * of each step records; hooks run without recording) and restores it on return. It uses one {@code
 * GradientCollector} at a time, so two trainers must not run concurrently in one process.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Objective objective;
    private final BatchSource source;
    private final TrainConfig config;
    private final Path runDir;
    private final List<TrainingHook> hooks = new ArrayList<>();
    private boolean checkpoints = true;
    private final CheckpointStore store;
    private final MetricsLog metricsLog;

    /**
     * @param objective the model and its loss; the model must be initialised or loaded before {@link #fit}: its
     *     {@link Module#manager()} holds the parameters and the device, and the optimizer allocates under it
     * @param source the batches
     * @param config the run's settings
     * @param runDir where checkpoints and {@code metrics.jsonl} go
     */
    public Trainer(Objective objective, BatchSource source, TrainConfig config, Path runDir) {
        this.objective = Objects.requireNonNull(objective, "objective");
        this.source = Objects.requireNonNull(source, "source");
        this.config = Objects.requireNonNull(config, "config");
        this.runDir = Objects.requireNonNull(runDir, "runDir");
        this.store = new CheckpointStore(runDir);
        this.metricsLog = new MetricsLog(runDir);
    }

    /**
     * @param hook called after each step, each checkpoint and at the end
     * @return this trainer
     */
    public Trainer addHook(TrainingHook hook) {
        hooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /**
     * Turns checkpoints off, the one at the end included: for measurements (throughput, memory probes) whose weights
     * are thrown away, so that a large model does not write gigabytes it deletes. Such a run cannot be resumed.
     *
     * @return this trainer
     */
    public Trainer withoutCheckpoints() {
        checkpoints = false;
        return this;
    }

    /** @return the run's checkpoint directories under {@code checkpoints/} of the run directory */
    public CheckpointStore checkpoints() {
        return store;
    }

    /** @return the run's {@code metrics.jsonl}, one JSON line per logged step */
    public MetricsLog metrics() {
        return metricsLog;
    }

    /**
     * Trains up to max_steps, resuming from the latest checkpoint if the config's {@code resume} is set.
     *
     * @return how the run ended
     */
    public TrainResult fit() {
        return fit(config.resume());
    }

    /**
     * Trains up to max_steps.
     *
     * @param resume continue from the run directory's latest checkpoint (a fresh start if there is none)
     * @return how the run ended
     */
    public TrainResult fit(boolean resume) {
        // updates are in place on leaf tensors; only the collector records; the caller's mode is restored
        try (Backend.GradScope grad = Backend.noGrad()) {
            return fitWithoutGrad(resume);
        }
    }

    private TrainResult fitWithoutGrad(boolean resume) {
        Module model = objective.model();
        store.cleanTemporaries();
        Optional<Path> checkpoint = resume ? store.latest() : Optional.empty();
        if (!resume && (!store.checkpoints().isEmpty() || Files.exists(metricsLog.file()))) {
            throw new CalmException("run directory " + runDir + " already holds a run (checkpoints or "
                    + MetricsLog.FILE + "): resume it (resume: true) or choose a new directory");
        }
        try (AdamW optimizer = AdamW.of(model, model.manager(), config)) {
            Loop loop = new Loop(model, optimizer);
            if (checkpoint.isPresent()) {
                loop.restore(checkpoint.get());
            } else if (resume) {
                LOG.info("no checkpoint in {}: starting from step 0", store.directory());
                metricsLog.truncateAfter(0); // lines of a run killed before its first checkpoint
            }
            TrainResult result = loop.run();
            hooks.forEach(h -> h.onEnd(result));
            return result;
        }
    }

    /** "/max_steps" for log lines, or nothing when only the time budget ends the run (max_steps unbounded). */
    private String ofMaxSteps() {
        return config.maxSteps() == Integer.MAX_VALUE ? "" : "/" + config.maxSteps();
    }

    /** The mutable state of one call to fit. */
    private final class Loop {
        private final Module model;
        private final AdamW optimizer;
        private final NDManager root; // the manager of the model's parameters
        private final List<Parameter> trainable;
        private Rng rng = new Rng(config.seed()).fork("train");
        private long step;
        private int badSteps;
        private long tokensSeen;
        private double flopsPerToken = Double.NaN;
        private double elapsedBefore;
        private Path lastCheckpoint;
        private long lastSavedStep = -1;
        private long overheadNanos; // this session's time in hooks and checkpoint writes

        Loop(Module model, AdamW optimizer) {
            this.model = model;
            this.root = model.manager();
            this.optimizer = optimizer;
            this.trainable = new ArrayList<>(optimizer.parameters().values());
            if (trainable.isEmpty()) {
                throw new CalmException(model.getClass().getSimpleName() + " has no trainable parameters");
            }
            for (Parameter p : trainable) {
                Backend.zeroGrad(p.array()); // libtorch accumulates into .grad: drop anything left from before
            }
        }

        void restore(Path checkpoint) {
            TrainerState state = CheckpointStore.readState(checkpoint);
            model.load(checkpoint.resolve(CheckpointStore.MODEL), root);
            optimizer.load(checkpoint.resolve(CheckpointStore.OPTIMIZER), state.optimizerStep());
            rng = Rng.restore(state.rngSeed(), state.rngDraws());
            source.seek(state.dataPosition());
            step = state.step();
            badSteps = state.consecutiveBadSteps();
            tokensSeen = state.tokensSeen();
            elapsedBefore = state.elapsedSeconds();
            lastCheckpoint = checkpoint;
            lastSavedStep = step;
            List<String> changed = changedFields(state.config(), config);
            if (!changed.isEmpty()) {
                LOG.info("resuming with settings that differ from the checkpoint's: {}", changed);
            }
            metricsLog.truncateAfter(step);
            LOG.info("resumed from {} at step {} (optimizer step {}, data position {})", checkpoint, step,
                    state.optimizerStep(), state.dataPosition());
        }

        TrainResult run() {
            LearningRateSchedule schedule = config.schedule();
            TrainingContext context = new TrainingContext(model, root, runDir);
            long tokensPerStep = (long) source.tokensPerBatch() * config.gradAccumulation();
            long sessionStart = System.nanoTime();
            long sessionTokens = 0;
            long windowStart = sessionStart;
            long windowTokens = 0;
            double lastLoss = Double.NaN;
            TrainResult.StopReason reason = TrainResult.StopReason.MAX_STEPS;
            try (ProgressDisplay progress = ProgressDisplay.open(config.progressBar(), step, config.maxSteps(),
                    config.maxMinutes())) {
                while (step < config.maxSteps()) {
                    double lr = schedule.at((int) step);
                    Outcome out;
                    try (StepScope scope = StepScope.open(root, model)) {
                        out = step(scope.manager(), lr);
                    }
                    step++;
                    tokensSeen += tokensPerStep;
                    sessionTokens += tokensPerStep;
                    windowTokens += tokensPerStep;
                    long now = System.nanoTime();
                    double tokensPerSecond = windowTokens / Math.max(1e-9, (now - windowStart) / 1e9);
                    double sessionSeconds = (now - sessionStart) / 1e9;
                    boolean skipped = !out.finite();
                    if (skipped) {
                        badSteps++;
                        LOG.warn("step {}: loss {} / gradient norm {} is not finite; update skipped ({} in a row)",
                                step, out.loss(), out.gradNorm(), badSteps);
                        if (badSteps >= config.maxBadSteps()) {
                            throw new CalmException("loss is not finite for " + badSteps + " consecutive steps (last at"
                                    + " step " + step + "); last good checkpoint: "
                                    + (lastCheckpoint == null ? "none" : lastCheckpoint));
                        }
                    } else {
                        badSteps = 0;
                        lastLoss = out.loss();
                    }
                    StepMetrics m = new StepMetrics(step, out.loss(), out.metrics(), lr, out.gradNorm(),
                            tokensPerSecond, elapsedBefore + sessionSeconds, skipped, tokensSeen * flopsPerToken);
                    context.beginStep(step);
                    long hooksStart = System.nanoTime();
                    for (TrainingHook h : hooks) {
                        h.onStep(m, context);
                    }
                    overheadNanos += System.nanoTime() - hooksStart;
                    if (step % config.logEvery() == 0 || step == config.maxSteps() || !context.records().isEmpty()) {
                        metricsLog.append(MetricsLog.line(m, context.records()));
                        // with a bar on screen the line goes to DEBUG: the bar shows it, metrics.jsonl keeps it
                        LOG.atLevel(progress.active() ? Level.DEBUG : Level.INFO).log(
                                "step {}{} loss {}{} lr {} grad_norm {} {} tok/s", step, ofMaxSteps(),
                                String.format("%.4f", m.loss()), describe(m.metrics(), context.records()),
                                String.format("%.3g", lr), String.format("%.3f", m.gradNorm()),
                                String.format("%.0f", tokensPerSecond));
                        windowStart = System.nanoTime();
                        windowTokens = 0;
                    }
                    progress.update(step, sessionSeconds, m.loss(), tokensPerSecond);
                    boolean overBudget = config.maxMinutes() != null && sessionSeconds / 60 >= config.maxMinutes();
                    if (context.stopRequested()) {
                        reason = TrainResult.StopReason.STOP_REQUESTED;
                        LOG.info("stopping at step {}: {}", step, context.stopReason());
                    } else if (overBudget) {
                        reason = TrainResult.StopReason.TIME_BUDGET;
                        LOG.info("stopping at step {}: time budget of {} minutes reached", step, config.maxMinutes());
                    }
                    boolean stopping = reason != TrainResult.StopReason.MAX_STEPS || step == config.maxSteps();
                    boolean due = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
                    if (checkpoints && (due || stopping)) {
                        long saveStart = System.nanoTime();
                        save(context, elapsedBefore + (System.nanoTime() - sessionStart) / 1e9);
                        overheadNanos += System.nanoTime() - saveStart;
                    }
                    if (reason != TrainResult.StopReason.MAX_STEPS) {
                        break;
                    }
                }
            }
            double sessionSeconds = (System.nanoTime() - sessionStart) / 1e9;
            return new TrainResult(step, lastLoss, tokensSeen, elapsedBefore + sessionSeconds,
                    sessionTokens / Math.max(1e-9, sessionSeconds), reason, lastCheckpoint, tokensSeen * flopsPerToken,
                    overheadNanos / 1e9);
        }

        /** One optimizer step: accumulate, clip, update (or skip), zero the gradients. */
        private Outcome step(NDManager manager, double lr) {
            int accumulation = config.gradAccumulation();
            double lossSum = 0;
            Map<String, Double> metricSums = new LinkedHashMap<>();
            try (GradientCollector collector = Backend.engine().newGradientCollector()) {
                for (int micro = 0; micro < accumulation; micro++) {
                    NDArray batch = source.next(manager); // [B, T] int64
                    flopsPerToken = objective.flopsPerToken(batch.getShape());
                    TrainingLoss out = objective.loss(batch, rng, step);
                    NDArray loss = out.loss();
                    if (!loss.getShape().isScalar()) {
                        throw new CalmException("Objective.loss must return a scalar loss, got shape " + loss.getShape());
                    }
                    collector.backward(accumulation == 1 ? loss : loss.div(Backend.scalar(loss, accumulation)));
                    lossSum += loss.getFloat();
                    out.metrics().forEach((name, v) -> {
                        MetricsLog.checkName(name);
                        metricSums.merge(name, (double) v.getFloat(), Double::sum);
                    });
                }
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            metricSums.forEach((name, sum) -> metrics.put(name, sum / accumulation));
            double loss = lossSum / accumulation;
            double gradNorm = GradientClipping.clipGlobalNorm(optimizer.gradients(), config.maxGradNorm());
            boolean finite = Double.isFinite(loss) && Double.isFinite(gradNorm);
            if (finite) {
                optimizer.step(manager, lr);
            }
            for (Parameter p : trainable) {
                Backend.zeroGrad(p.array());
            }
            return new Outcome(loss, metrics, gradNorm, finite);
        }

        private void save(TrainingContext context, double elapsed) {
            if (lastSavedStep == step) {
                return;
            }
            checkFinite();
            TrainerState state = new TrainerState(step, optimizer.stepCount(), rng.seed(), rng.draws(),
                    source.position(), badSteps, tokensSeen, elapsed, config);
            lastCheckpoint = store.save(model, optimizer, state, config.checkpointFormat(), config.keepCheckpoints());
            lastSavedStep = step;
            for (TrainingHook h : hooks) {
                h.onCheckpoint(lastCheckpoint, context);
            }
        }

        /** Refuses to checkpoint weights that are not finite: the last good checkpoint stays the newest. */
        private void checkFinite() {
            try (StepScope scope = StepScope.open(root, model)) {
                for (Map.Entry<String, Parameter> e : optimizer.parameters().entrySet()) {
                    NDArray w = e.getValue().array();
                    if (w.isNaN().any().getBoolean() || w.isInfinite().any().getBoolean()) {
                        throw new CalmException("parameter " + e.getKey() + " is not finite at step " + step
                                + "; checkpoint not written; last good checkpoint: "
                                + (lastCheckpoint == null ? "none" : lastCheckpoint));
                    }
                }
            }
        }
    }

    /** " name value" for each metric and recorded value, four significant digits. */
    private static String describe(Map<String, Double> metrics, Map<String, Double> records) {
        StringBuilder out = new StringBuilder();
        metrics.forEach((name, v) -> out.append(", ").append(name).append(' ').append(String.format("%.4g", v)));
        records.forEach((name, v) -> out.append(", ").append(name).append(' ').append(String.format("%.4g", v)));
        return out.toString();
    }

    /** The JSON names of the fields whose values differ between two configs. */
    static List<String> changedFields(TrainConfig saved, TrainConfig current) {
        JsonNode a = Json.MAPPER.valueToTree(saved);
        JsonNode b = Json.MAPPER.valueToTree(current);
        List<String> out = new ArrayList<>();
        b.fieldNames().forEachRemaining(name -> {
            if (!b.get(name).equals(a.get(name))) {
                out.add(name + " " + a.get(name) + " -> " + b.get(name));
            }
        });
        return out;
    }

    /** What one step produced. */
    private record Outcome(double loss, Map<String, Double> metrics, double gradNorm, boolean finite) {}
}
