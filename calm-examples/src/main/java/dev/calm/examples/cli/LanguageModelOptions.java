/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.data.TokenBlocks;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.DiffusionHeadConfig;
import dev.calm.energy.FlowHeadConfig;
import dev.calm.energy.MixtureHeadConfig;
import dev.calm.eval.ChunkStatistics;
import dev.calm.examples.pipeline.LanguageModelStage;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.training.CalmObjective;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The language-model stages' options, shared by {@code calm quickstart} and {@code calm train} (each has its own
 * {@code --lm-minutes}: a share of the run's budget in the one, a plain budget in the other).
 */
final class LanguageModelOptions {

    @Option(names = "--lm-steps", defaultValue = "0", description = "optimizer steps of each language model; 0 trains "
            + "until --lm-minutes is spent (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--lm-batch", defaultValue = "16", description = "language-model blocks of 256 tokens per step (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--calm-lr", defaultValue = "3e-3", description = "CALM learning rate (default: ${DEFAULT-VALUE})")
    private double calmLearningRate;

    @Option(names = "--calm-head-blocks", defaultValue = "1", description = "residual blocks of CALM's energy, flow "
            + "or diffusion head (num_mlp_layers; the paper's CALM-M has 4) (default: ${DEFAULT-VALUE})")
    private int calmHeadBlocks;

    @Option(names = "--calm-head", defaultValue = CalmConfig.MIXTURE, description = "CALM's generative head: mixture "
            + "(a mixture of Gaussians trained with the energy score, not in the paper: the head that learns at this "
            + "scale, docs/measured.md), energy (the paper's), or the paper's alternatives flow (flow matching) and "
            + "diffusion (default: ${DEFAULT-VALUE})")
    private String calmHead;

    @Option(names = "--calm-flow-steps", defaultValue = "10", description = "midpoint ODE steps of the flow head's "
            + "sampler, two network evaluations each (default: ${DEFAULT-VALUE})")
    private int calmFlowSteps;

    @Option(names = "--calm-diffusion-steps", defaultValue = "100", description = "sampling steps of the diffusion "
            + "head, its 1000 timesteps respaced (default: ${DEFAULT-VALUE})")
    private int calmDiffusionSteps;

    @Option(names = "--calm-diffusion-prediction", defaultValue = DiffusionHeadConfig.V, description = "what the "
            + "diffusion head's network predicts: v, or epsilon (the noise, the reference's choice, which does not "
            + "sample at this scale: docs/new-head.md) (default: ${DEFAULT-VALUE})")
    private String calmDiffusionPrediction;

    @Option(names = "--calm-components", defaultValue = "64", description = "Gaussian components of the mixture head "
            + "(default: ${DEFAULT-VALUE})")
    private int calmComponents;

    @Option(names = "--calm-component-std", defaultValue = "1.0", description = "the mixture head's components' "
            + "standard deviation at initialisation (default: ${DEFAULT-VALUE})")
    private double calmComponentStd;

    @Option(names = "--calm-anchors", defaultValue = "0", description = "mixture components placed at first on the "
            + "posterior means of the training split's most frequent chunks (not in the paper; 0 = none) "
            + "(default: ${DEFAULT-VALUE})")
    private int calmAnchors;

    @Option(names = "--calm-anchor-std", defaultValue = "0.5", description = "the anchored components' standard "
            + "deviation at initialisation (default: ${DEFAULT-VALUE})")
    private double calmAnchorStd;

    @Option(names = "--calm-head-lr-scale", defaultValue = "1", description = "CALM's generative head trains at "
            + "this multiple of --calm-lr (default: ${DEFAULT-VALUE})")
    private double calmHeadLrScale;

    @Option(names = "--calm-samples", defaultValue = "8", description = "N, model samples per position in CALM's "
            + "energy loss; for the flow and diffusion heads, target samples per position in their loss "
            + "(default: ${DEFAULT-VALUE})")
    private int calmSamples;

    @Option(names = "--calm-targets", defaultValue = "100", description = "M, target samples of the autoencoder's "
            + "posterior per position in CALM's energy loss (default: ${DEFAULT-VALUE})")
    private int calmTargets;

    @Option(names = "--calm-aux-weight", defaultValue = "0", description = "weight of an auxiliary cross-entropy of "
            + "the next chunk's tokens on CALM's backbone (not in the paper; 0 = off) (default: ${DEFAULT-VALUE})")
    private double calmAuxWeight;

    @Option(names = "--calm-aux-anneal", defaultValue = "0", description = "steps over which the auxiliary weight "
            + "falls linearly to 0; 0 keeps it constant (default: ${DEFAULT-VALUE})")
    private int calmAuxAnneal;

    @Option(names = "--baseline-lr", defaultValue = "1e-3", description = "token baseline learning rate (default: ${DEFAULT-VALUE})")
    private double baselineLearningRate;

    @Option(names = "--lm-warmup", defaultValue = "100", description = "learning-rate warm-up steps of both language "
            + "models (default: ${DEFAULT-VALUE})")
    private int warmup;

    /**
     * @param minutes the budget of each model, checked here too
     * @return what is wrong with the options, or null
     */
    String problem(double minutes) {
        return UsageChecks.first(() -> minutes >= 0 && steps >= 0 && batch >= 1 && calmHeadBlocks >= 1
                        && calmLearningRate > 0 && baselineLearningRate > 0 ? null
                        : "--lm-minutes and --lm-steps must be >= 0, --lm-batch and --calm-head-blocks >= 1, --calm-lr "
                                + "and --baseline-lr > 0",
                () -> CalmConfig.HEAD_TYPES.contains(calmHead) ? null
                        : "--calm-head must be " + String.join(", ", CalmConfig.HEAD_TYPES) + ", got '" + calmHead + "'",
                () -> calmFlowSteps >= 1 ? null : "--calm-flow-steps must be >= 1, got " + calmFlowSteps,
                () -> calmDiffusionSteps >= 1 && calmDiffusionSteps <= DiffusionHeadConfig.DEFAULT_DIFFUSION_STEPS
                        ? null : "--calm-diffusion-steps must be in [1, " + DiffusionHeadConfig.DEFAULT_DIFFUSION_STEPS
                                + "], got " + calmDiffusionSteps,
                () -> DiffusionHeadConfig.EPSILON.equals(calmDiffusionPrediction)
                        || DiffusionHeadConfig.V.equals(calmDiffusionPrediction) ? null
                        : "--calm-diffusion-prediction must be " + DiffusionHeadConfig.EPSILON + " or "
                                + DiffusionHeadConfig.V + ", got '" + calmDiffusionPrediction + "'",
                () -> calmComponents >= 2 && calmComponents <= 4096 ? null
                        : "--calm-components must be in [2, 4096], got " + calmComponents,
                () -> UsageChecks.positiveFinite("--calm-component-std", calmComponentStd),
                () -> calmAnchors < 0 || calmAnchors > calmComponents
                        || calmAnchors > 0 && !CalmConfig.MIXTURE.equals(calmHead)
                        ? "--calm-anchors must be in [0, --calm-components] and needs --calm-head mixture, got "
                                + calmAnchors : null,
                () -> UsageChecks.positiveFinite("--calm-anchor-std", calmAnchorStd),
                () -> UsageChecks.positiveFinite("--calm-head-lr-scale", calmHeadLrScale),
                () -> calmSamples < 2 || calmTargets < 1
                        ? "--calm-samples must be >= 2 (the energy score compares pairs) and --calm-targets >= 1" : null,
                () -> calmAuxWeight >= 0 && Double.isFinite(calmAuxWeight) && calmAuxAnneal >= 0 ? null
                        : "--calm-aux-weight must be a finite number >= 0 and --calm-aux-anneal >= 0, got "
                                + calmAuxWeight + " and " + calmAuxAnneal,
                () -> warmup < 0 ? "--lm-warmup must be >= 0, got " + warmup : null);
    }

    /**
     * Anchors the mixture head's first {@code --calm-anchors} components on the training split's most frequent
     * chunks ({@link Calm#anchorMixture}); nothing when the option is 0.
     *
     * @param calm the initialised model
     * @param train the training split's blocks
     */
    void anchor(Calm calm, TokenBlocks train) {
        if (calmAnchors > 0) {
            calm.anchorMixture(ChunkStatistics.mostFrequent(train.tokens(), calm.patchSize(), calmAnchors),
                    calmAnchorStd);
        }
    }

    /**
     * @param minutes the budget of each model
     * @param seed the run's seed
     * @param checkpoints how often the stage saves a checkpoint
     * @return the stage's options
     */
    LanguageModelStage.Options stage(double minutes, long seed, CheckpointOptions checkpoints) {
        return new LanguageModelStage.Options(minutes, steps, batch, warmup, seed, checkpoints.every());
    }

    /**
     * @param model {@link RunModels#CALM} or {@link RunModels#BASELINE}
     * @return its learning rate
     */
    double learningRate(String model) {
        return model.equals(RunModels.CALM) ? calmLearningRate : baselineLearningRate;
    }

    /** @return warm-up steps of both language models */
    int warmup() {
        return warmup;
    }

    /**
     * The CALM these options describe, on an autoencoder: the quickstart's {@link CalmConfig#small} backbone
     * with the autoencoder's K and l, the head the options name (the energy head's depth, N and M; the mixture
     * head's components and M; the flow head's depth, draws and ODE steps; the diffusion head's depth, draws,
     * sampling steps and prediction); an auxiliary token head when its weight is positive.
     *
     * @param vocabSize ids of the tokenizer
     * @param ae the autoencoder's config
     * @return the model's config
     */
    CalmConfig calmConfig(int vocabSize, AutoencoderConfig ae) {
        CalmConfig small = CalmConfig.small(vocabSize);
        CalmConfig config = small.withChunking(ae.patchSize(), ae.latentSize())
                .withHead(small.head().withNumMlpLayers(calmHeadBlocks).withSamples(calmSamples, calmTargets))
                .withAuxTokenHead(calmAuxWeight > 0);
        return switch (calmHead) {
            case CalmConfig.MIXTURE -> config.withMixtureHead(new MixtureHeadConfig(calmComponents, calmTargets,
                    config.head().beta(), calmComponentStd));
            case CalmConfig.FLOW -> config.withFlowHead(new FlowHeadConfig(calmHeadBlocks, calmSamples, calmFlowSteps));
            case CalmConfig.DIFFUSION -> config.withDiffusionHead(new DiffusionHeadConfig(calmHeadBlocks, calmSamples,
                    DiffusionHeadConfig.DEFAULT_DIFFUSION_STEPS, calmDiffusionSteps, calmDiffusionPrediction, false));
            default -> config;
        };
    }

    /**
     * @param calm the model
     * @return CALM's objective: the energy loss, plus the auxiliary cross-entropy when its weight is positive
     */
    CalmObjective calmObjective(Calm calm) {
        return new CalmObjective(calm, calmAuxWeight, calmAuxAnneal);
    }

    /**
     * @param calm the model
     * @return CALM's learning-rate groups: its head at {@code --calm-head-lr-scale} times the rate
     */
    Map<String, Double> calmLrScales(Calm calm) {
        return calmHeadLrScale == 1 ? Map.of() : Map.of(calm.head().parameterPrefix() + ".", calmHeadLrScale);
    }
}
