/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.examples.pipeline.AutoencoderStage;
import dev.calm.examples.pipeline.TokenizerStage;
import picocli.CommandLine.Option;

/**
 * The autoencoder stage's options, shared by {@code calm quickstart} and {@code calm train-ae} (each has its own
 * {@code --ae-minutes}: a share of the run's budget in the one, a plain budget in the other).
 */
final class AutoencoderOptions {

    /** Noise levels of the reconstruction sweep. */
    static final String SIGMAS = "0,0.1,0.2,0.3,0.5";

    @Option(names = "--ae-steps", defaultValue = "0", description = "autoencoder optimizer steps; 0 sizes them to "
            + "--ae-minutes from a throughput measurement (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--ae-batch", defaultValue = "8", description = "autoencoder blocks of 256 tokens per step (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--ae-lr", defaultValue = "6e-3", description = "autoencoder peak learning rate (default: ${DEFAULT-VALUE})")
    private double learningRate;

    @Option(names = "--ae-random-chunks", defaultValue = "0.1", description = "share of autoencoder training chunks "
            + "replaced by random ids, so every id of the vocabulary is trained (default: ${DEFAULT-VALUE})")
    private double randomChunks;

    @Option(names = "--patch-size", defaultValue = "4", description = "K, tokens per chunk of the autoencoder and so "
            + "of CALM's steps: 1, 2, 4, 8 or 16 (default: ${DEFAULT-VALUE})")
    private int patchSize;

    @Option(names = "--ae-latent", defaultValue = "128", description = "l, the autoencoder's latent size (default: "
            + "${DEFAULT-VALUE})")
    private int latentSize;

    @Option(names = "--ae-kl-weight", defaultValue = "0.1", description = "weight of the autoencoder's clamped KL "
            + "term: 0.1 widens the posterior so that the latent space is smooth enough for a small CALM to sample "
            + "from (docs/measured.md); the paper's is 1e-3 (default: ${DEFAULT-VALUE})")
    private double klWeight;

    @Option(names = "--ae-posterior-std", defaultValue = "0", description = "0 learns the posterior std (the paper); "
            + "a positive value fixes it (default: ${DEFAULT-VALUE})")
    private double posteriorStd;

    @Option(names = "--eval-tokens", defaultValue = "65536", description = "tokens of each held-out corpus whose "
            + "reconstruction is evaluated (default: ${DEFAULT-VALUE})")
    private int evalTokens;

    @Option(names = "--sigmas", split = ",", defaultValue = SIGMAS, description = "noise levels of the "
            + "reconstruction sweep (default: ${DEFAULT-VALUE})")
    private double[] sigmas;

    /**
     * @param minutes the stage's budget, checked here too
     * @return what is wrong with the options, or null
     */
    String problem(double minutes) {
        return UsageChecks.first(() -> minutes >= 0 && steps >= 0 && batch >= 1 && learningRate > 0
                        && evalTokens >= TokenizerStage.BLOCK_LENGTH ? null
                        : "--ae-minutes must be >= 0, --ae-lr > 0, --ae-steps >= 0, --ae-batch >= 1 and --eval-tokens >= "
                                + TokenizerStage.BLOCK_LENGTH,
                () -> randomChunks >= 0 && randomChunks < 1 ? null
                        : "--ae-random-chunks must be in [0, 1), got " + randomChunks,
                () -> patchSize >= 1 && patchSize <= 16 && TokenizerStage.BLOCK_LENGTH % patchSize == 0 ? null
                        : "--patch-size must be 1, 2, 4, 8 or 16, got " + patchSize,
                () -> latentSize >= 1 && latentSize <= 4096 ? null
                        : "--ae-latent must be in [1, 4096], got " + latentSize,
                () -> UsageChecks.nonNegativeFinite("--ae-kl-weight", klWeight),
                () -> posteriorStd >= 0 && posteriorStd <= 100 ? null
                        : "--ae-posterior-std must be 0 (learned) or in (0, 100], got " + posteriorStd);
    }

    /**
     * @param vocabSize ids of the tokenizer
     * @return the autoencoder these options describe: {@link AutoencoderConfig#cpu} with K, l, the KL weight and
     *     the posterior std from the options
     */
    AutoencoderConfig config(int vocabSize) {
        return AutoencoderConfig.cpu(vocabSize).withPatchSize(patchSize).withLatentSize(latentSize)
                .withKlWeight(klWeight).withPosteriorStd(posteriorStd);
    }

    /**
     * @param minutes the stage's budget
     * @param seed the run's seed
     * @param checkpoints how often the stage saves a checkpoint
     * @return the stage's options
     */
    AutoencoderStage.Options stage(double minutes, long seed, CheckpointOptions checkpoints) {
        return new AutoencoderStage.Options(minutes, steps, batch, learningRate, evalTokens, sigmas, randomChunks,
                seed, checkpoints.every());
    }
}
