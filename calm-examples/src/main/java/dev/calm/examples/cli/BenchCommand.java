/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.InferenceFlops;
import dev.calm.energy.TokenBaseline;
import dev.calm.sampling.Generator;
import dev.calm.training.AutoencoderObjective;
import dev.calm.training.CalmObjective;
import dev.calm.training.TokenObjective;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm bench}: CALM against the token baseline on the same backbone, measured side by side in one run:
 * training steps through the library's trainer (forward, backward, clipping, AdamW) and generation at batch 1
 * with the KV cache, and the autoencoder's training steps. Random weights and random token ids: speed does not
 * depend on them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure training and generation throughput of CALM and the token baseline in tokens per second.")
final class BenchCommand implements Callable<Integer> {

    /** Model sizes to measure: the backbone of both models, CALM's head and its autoencoder. */
    enum Preset {
        tiny, small, calm_m;

        CalmConfig calm(int vocab) {
            return switch (this) {
                case tiny -> CalmConfig.tiny(vocab, 4, 128);
                case small -> CalmConfig.small(vocab);
                case calm_m -> CalmConfig.calmM(vocab);
            };
        }

        AutoencoderConfig autoencoder(int vocab) {
            return this == calm_m ? AutoencoderConfig.paper(vocab) : AutoencoderConfig.cpu(vocab);
        }
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "small", description = "tiny, small or calm_m (default: ${DEFAULT-VALUE})")
    private Preset preset;

    @Option(names = "--vocab", defaultValue = "4096", description = "vocabulary size (default: ${DEFAULT-VALUE})")
    private int vocab;

    @Option(names = "--batch", defaultValue = "16", description = "training batch size (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--seq", defaultValue = "256", description = "training tokens per block, a multiple of K "
            + "(default: ${DEFAULT-VALUE})")
    private int seq;

    @Option(names = "--steps", defaultValue = "10", description = "timed training steps (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--gen-tokens", defaultValue = "256", description = "timed generated tokens (default: ${DEFAULT-VALUE})")
    private int genTokens;

    @Option(names = "--gen-batch", defaultValue = "16", description = "sequences of the batched generation timing (default: ${DEFAULT-VALUE})")
    private int genBatch;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        CalmConfig calmConfig = preset.calm(vocab);
        TransformerConfig backbone = calmConfig.backbone();
        int k = calmConfig.patchSize();
        if (batch < 1 || steps < 1 || genTokens < 1 || genBatch < 1 || seq < 2 * k || seq % k != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch, --steps, --gen-tokens and --gen-batch must be "
                    + ">= 1 and --seq a multiple of K " + k + " and >= " + 2 * k);
        }
        if (Throughput.generationPositions(genTokens) > backbone.maxPositionEmbeddings()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gen-tokens exceeds the backbone's "
                    + backbone.maxPositionEmbeddings() + " positions");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager root = runtime.open()) {
            Rng rng = new Rng(runtime.seed());
            SplittableRandom data = rng.fork("data").javaRandom();
            out.printf(Locale.ROOT, "preset %s: backbone d %d, %d layers, %d heads, intermediate %d, vocab %d; "
                            + "training batch %d x %d tokens; %s, %d threads%n", preset, backbone.hiddenSize(),
                    backbone.numHiddenLayers(), backbone.numAttentionHeads(), backbone.intermediateSize(), vocab, batch,
                    seq, runtime.device(), Backend.threads());
            out.flush();

            TokenBaseline baseline = new TokenBaseline(backbone);
            baseline.initialize(root, rng.fork("baseline"));
            double baselineTrain = Throughput.training(root, new TokenObjective(baseline), vocab, batch, seq, steps,
                    data);
            Generator baselineGenerator = new Generator(baseline, root, 0);
            double baselineGenerate = Throughput.generation(baselineGenerator, vocab, 1, genTokens, data,
                    rng.fork("sample baseline"));
            double baselineBatched = Throughput.generation(baselineGenerator, vocab, genBatch, genTokens, data,
                    rng.fork("sample baseline"));
            out.printf(Locale.ROOT, "baseline  %,11d parameters | train %,8.0f tokens/s | generate %,7.0f tokens/s, "
                    + "%,7.0f at batch %d%n", baseline.numParameters(), baselineTrain, baselineGenerate,
                    baselineBatched, genBatch);
            out.flush();

            Autoencoder ae = new Autoencoder(preset.autoencoder(vocab));
            ae.initialize(root, rng.fork("ae"));
            double aeTrain = Throughput.training(root, new AutoencoderObjective(ae), vocab, batch, seq, steps, data);
            out.printf(Locale.ROOT, "autoencoder %,9d parameters | train %,8.0f tokens/s (K %d, l %d)%n",
                    ae.numParameters(), aeTrain, ae.config().patchSize(), ae.config().latentSize());
            out.flush();
            Calm calm = new Calm(calmConfig, ae);
            calm.initialize(root, rng.fork("calm"));
            double calmTrain = Throughput.training(root, new CalmObjective(calm), vocab, batch, seq, steps, data);
            Generator calmGenerator = new Generator(calm, root, 0);
            double calmGenerate = Throughput.generation(calmGenerator, vocab, 1, genTokens, data, rng.fork("sample calm"));
            double calmBatched = Throughput.generation(calmGenerator, vocab, genBatch, genTokens, data,
                    rng.fork("sample calm"));
            out.printf(Locale.ROOT, "calm      %,11d parameters | train %,8.0f tokens/s | generate %,7.0f tokens/s, "
                            + "%,7.0f at batch %d (K %d, l %d, %d head block(s), N %d, M %d)%n", calm.numParameters(),
                    calmTrain, calmGenerate, calmBatched, genBatch, k, calmConfig.latentSize(),
                    calmConfig.head().numMlpLayers(), calmConfig.head().numSamples(),
                    calmConfig.head().numTargetSamples());
            out.printf(Locale.ROOT, "calm / baseline: training %.2fx, generation %.2fx at batch 1, %.2fx at batch %d%n",
                    calmTrain / baselineTrain, calmGenerate / baselineGenerate, calmBatched / baselineBatched, genBatch);
            int context = InferenceFlops.PAPER_CONTEXT;
            out.printf(Locale.ROOT, "inference FLOPs per token at %d positions: baseline %.3g, calm %.3g%n", context,
                    InferenceFlops.tokenBaseline(backbone, context), InferenceFlops.calm(calmConfig, ae.config(), context));
            out.flush();

        }
        out.flush();
        return 0;
    }
}
