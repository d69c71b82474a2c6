/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;
import dev.calm.core.io.DType;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the {@link Trainer} needs besides the model and the data. JSON names are snake_case; every field
 * is validated with a one-line message naming it. {@link #defaults(int)} gives the paper's optimiser settings
 * and {@link #toBuilder()} changes a few of them.
 *
 * @param seed seed of the run's random stream (dropout and other noise drawn by the objective)
 * @param maxSteps optimizer steps of the whole run (a resumed run continues up to it)
 * @param learningRate peak learning rate
 * @param warmupSteps steps of linear warm-up from 0
 * @param lrShape what follows the warm-up: CONSTANT or COSINE (to 0 at max_steps)
 * @param weightDecay AdamW's decoupled weight decay, applied only to parameters marked for decay
 * @param beta1 AdamW's first-moment decay
 * @param beta2 AdamW's second-moment decay
 * @param eps AdamW's epsilon, added to the bias-corrected sqrt(v) as in PyTorch
 * @param maxGradNorm clip the global gradient norm to this value; 0 turns clipping off
 * @param gradAccumulation micro-batches per optimizer step
 * @param logEvery write a metrics line every this many steps
 * @param checkpointEvery save a checkpoint every this many steps; 0 saves only at the end
 * @param keepCheckpoints how many of the most recent checkpoints to keep
 * @param checkpointFormat float format of model weights in checkpoints: F32 (exact resume) or BF16 / F16
 * @param maxBadSteps stop after this many consecutive steps with a non-finite loss or gradient norm
 * @param maxMinutes optional wall-clock budget of one call to {@link Trainer#fit()}; when reached, a final
 *     checkpoint is saved and the run stops
 * @param resume continue from the run directory's latest checkpoint, if there is one
 * @param progressBar show a console progress bar (only when a console is attached)
 * @param lrScales learning-rate multipliers by parameter-name prefix (e.g. {@code {"mlp_generator.": 10}}): a
 *     parameter's rate and decay are scaled by the factor of the longest prefix its name starts with, 1 if none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainConfig(
        long seed,
        int maxSteps,
        double learningRate,
        int warmupSteps,
        LearningRateSchedule.Shape lrShape,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        double maxGradNorm,
        int gradAccumulation,
        int logEvery,
        int checkpointEvery,
        int keepCheckpoints,
        DType checkpointFormat,
        int maxBadSteps,
        Double maxMinutes,
        boolean resume,
        boolean progressBar,
        @JsonProperty(defaultValue = "{}") Map<String, Double> lrScales) {

    /**
     * Validates every field; messages use the JSON names.
     *
     * @param seed any value
     * @param maxSteps &gt; 0
     * @param learningRate finite and &gt; 0
     * @param warmupSteps &gt;= 0; &lt; maxSteps for the cosine shape
     * @param lrShape not null
     * @param weightDecay in [0, 1]
     * @param beta1 in [0, 1)
     * @param beta2 in [0, 1)
     * @param eps finite and &gt; 0
     * @param maxGradNorm finite and &gt;= 0 (0 turns clipping off)
     * @param gradAccumulation &gt; 0
     * @param logEvery &gt; 0
     * @param checkpointEvery &gt;= 0 (0: only at the end)
     * @param keepCheckpoints &gt; 0
     * @param checkpointFormat F32, BF16 or F16
     * @param maxBadSteps &gt; 0
     * @param maxMinutes null (no budget) or finite and &gt; 0
     * @param resume whether to resume
     * @param progressBar whether to show a progress bar
     * @param lrScales prefix to a finite factor &gt; 0; null reads as none
     * @throws dev.calm.core.CalmException naming the first invalid field
     */
    public TrainConfig {
        Checks.positive("max_steps", maxSteps);
        Checks.positive("learning_rate", learningRate);
        Checks.check(warmupSteps >= 0, "warmup_steps must be >= 0, got " + warmupSteps);
        Checks.check(lrShape != null, "lr_shape must be CONSTANT or COSINE");
        Checks.inRange("weight_decay", weightDecay, 0, 1);
        Checks.check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
        Checks.check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
        Checks.positive("eps", eps);
        Checks.check(maxGradNorm >= 0 && !Double.isInfinite(maxGradNorm),
                "max_grad_norm must be >= 0 (0 turns clipping off), got " + maxGradNorm);
        Checks.positive("grad_accumulation", gradAccumulation);
        Checks.positive("log_every", logEvery);
        Checks.check(checkpointEvery >= 0,
                "checkpoint_every must be >= 0 (0 saves only at the end), got " + checkpointEvery);
        Checks.positive("keep_checkpoints", keepCheckpoints);
        Checks.check(checkpointFormat != null && checkpointFormat.isFloatingPoint(),
                "checkpoint_format must be F32, BF16 or F16, got " + checkpointFormat);
        Checks.positive("max_bad_steps", maxBadSteps);
        Checks.check(maxMinutes == null || (maxMinutes > 0 && !maxMinutes.isInfinite()),
                "max_minutes must be a finite number > 0 or null, got " + maxMinutes);
        new LearningRateSchedule(learningRate, warmupSteps, maxSteps, lrShape);
        lrScales = lrScales == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(lrScales));
        lrScales.forEach((prefix, factor) -> Checks.check(factor != null && factor > 0 && !factor.isInfinite(),
                "lr_scales[" + prefix + "] must be a finite number > 0, got " + factor));
    }

    /**
     * @param parameterName a parameter's full dotted name
     * @return the learning-rate factor of the longest {@link #lrScales} prefix the name starts with, or 1
     */
    public double lrScale(String parameterName) {
        String best = null;
        for (String prefix : lrScales.keySet()) {
            if (parameterName.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? 1 : lrScales.get(best);
    }

    /**
     * The paper's optimiser settings for a run of {@code maxSteps}: AdamW (0.9, 0.95), eps 1e-8, weight decay
     * 0.1, peak rate 3e-4 after min(2000, max_steps / 10) warm-up steps then constant, clipping at 1.0, no
     * accumulation; a metrics line every 10 steps, a checkpoint every 1000 (the last 3 kept, F32), at most 10
     * consecutive bad steps, no time budget, no resume, a progress bar.
     *
     * @param maxSteps optimizer steps of the run
     * @return the config
     */
    public static TrainConfig defaults(int maxSteps) {
        return new TrainConfig(0, maxSteps, 3e-4, Math.min(2000, maxSteps / 10), LearningRateSchedule.Shape.CONSTANT,
                0.1, 0.9, 0.95, 1e-8, 1.0, 1, 10, 1000, 3, DType.F32, 10, null, false, true, Map.of());
    }

    /** @return the learning rate schedule over max_steps */
    public LearningRateSchedule schedule() {
        return new LearningRateSchedule(learningRate, warmupSteps, maxSteps, lrShape);
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of a config; {@link #build()} validates the result. */
    public static final class Builder {
        private long seed;
        private int maxSteps;
        private double learningRate;
        private int warmupSteps;
        private LearningRateSchedule.Shape lrShape;
        private double weightDecay;
        private double beta1;
        private double beta2;
        private double eps;
        private double maxGradNorm;
        private int gradAccumulation;
        private int logEvery;
        private int checkpointEvery;
        private int keepCheckpoints;
        private DType checkpointFormat;
        private int maxBadSteps;
        private Double maxMinutes;
        private boolean resume;
        private boolean progressBar;
        private Map<String, Double> lrScales;

        private Builder(TrainConfig c) {
            seed = c.seed;
            maxSteps = c.maxSteps;
            learningRate = c.learningRate;
            warmupSteps = c.warmupSteps;
            lrShape = c.lrShape;
            weightDecay = c.weightDecay;
            beta1 = c.beta1;
            beta2 = c.beta2;
            eps = c.eps;
            maxGradNorm = c.maxGradNorm;
            gradAccumulation = c.gradAccumulation;
            logEvery = c.logEvery;
            checkpointEvery = c.checkpointEvery;
            keepCheckpoints = c.keepCheckpoints;
            checkpointFormat = c.checkpointFormat;
            maxBadSteps = c.maxBadSteps;
            maxMinutes = c.maxMinutes;
            resume = c.resume;
            progressBar = c.progressBar;
            lrScales = c.lrScales;
        }

        /**
         * @param v the seed
         * @return this builder
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * @param v max_steps
         * @return this builder
         */
        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        /**
         * @param v learning_rate
         * @return this builder
         */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * @param v warmup_steps
         * @return this builder
         */
        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        /**
         * @param v lr_shape
         * @return this builder
         */
        public Builder lrShape(LearningRateSchedule.Shape v) {
            lrShape = v;
            return this;
        }

        /**
         * @param v weight_decay
         * @return this builder
         */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * @param b1 beta1
         * @param b2 beta2
         * @return this builder
         */
        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        /**
         * @param v eps
         * @return this builder
         */
        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /**
         * @param v max_grad_norm
         * @return this builder
         */
        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        /**
         * @param v grad_accumulation
         * @return this builder
         */
        public Builder gradAccumulation(int v) {
            gradAccumulation = v;
            return this;
        }

        /**
         * @param v log_every
         * @return this builder
         */
        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        /**
         * @param v checkpoint_every
         * @return this builder
         */
        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        /**
         * @param v keep_checkpoints
         * @return this builder
         */
        public Builder keepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        /**
         * @param v checkpoint_format
         * @return this builder
         */
        public Builder checkpointFormat(DType v) {
            checkpointFormat = v;
            return this;
        }

        /**
         * @param v max_bad_steps
         * @return this builder
         */
        public Builder maxBadSteps(int v) {
            maxBadSteps = v;
            return this;
        }

        /**
         * @param v max_minutes, or null for no budget
         * @return this builder
         */
        public Builder maxMinutes(Double v) {
            maxMinutes = v;
            return this;
        }

        /**
         * @param v resume
         * @return this builder
         */
        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        /**
         * @param v progress_bar
         * @return this builder
         */
        public Builder progressBar(boolean v) {
            progressBar = v;
            return this;
        }

        /**
         * @param v lr_scales: learning-rate factors by parameter-name prefix
         * @return this builder
         */
        public Builder lrScales(Map<String, Double> v) {
            lrScales = v;
            return this;
        }

        /** @return the validated config */
        public TrainConfig build() {
            return new TrainConfig(seed, maxSteps, learningRate, warmupSteps, lrShape, weightDecay, beta1, beta2,
                    eps, maxGradNorm, gradAccumulation, logEvery, checkpointEvery, keepCheckpoints,
                    checkpointFormat, maxBadSteps, maxMinutes, resume, progressBar, lrScales);
        }
    }
}
