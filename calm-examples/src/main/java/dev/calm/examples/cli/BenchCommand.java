/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm bench}: throughput of the Llama backbone with a tied softmax head, measured side by side in one
 * run: training steps (forward + backward of next-token cross-entropy) and KV-cached decoding at batch 1, then
 * the training steps of the CPU-preset autoencoder on the same token batches.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure backbone training and decoding throughput in tokens per second.")
final class BenchCommand implements Callable<Integer> {

    /** Backbone sizes to measure. */
    enum Preset { tiny, small, calm_m }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "small", description = "tiny, small or calm_m (default: ${DEFAULT-VALUE})")
    private Preset preset;

    @Option(names = "--vocab", defaultValue = "4096", description = "vocabulary size (default: ${DEFAULT-VALUE})")
    private int vocab;

    @Option(names = "--batch", defaultValue = "16", description = "training batch size (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--seq", defaultValue = "256", description = "training sequence length (default: ${DEFAULT-VALUE})")
    private int seq;

    @Option(names = "--steps", defaultValue = "10", description = "timed training steps (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--decode-tokens", defaultValue = "128", description = "timed decoded tokens (default: ${DEFAULT-VALUE})")
    private int decodeTokens;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        if (batch < 1 || seq < 2 || steps < 1 || decodeTokens < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch and --steps and --decode-tokens must be >= 1 and --seq >= 2");
        }
        TransformerConfig config = switch (preset) {
            case tiny -> TransformerConfig.tiny(vocab);
            case small -> TransformerConfig.small(vocab);
            case calm_m -> TransformerConfig.calmM(vocab);
        };
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager root = runtime.open()) {
            Rng rng = new Rng(runtime.seed());
            Transformer model = new Transformer(config);
            model.initialize(root, rng.fork("init"));
            out.printf(Locale.ROOT, "backbone %s: %,d parameters (d %d, %d layers, %d heads), vocab %d, %s, %d threads%n",
                    preset, model.numParameters(), config.hiddenSize(), config.numHiddenLayers(),
                    config.numAttentionHeads(), vocab, runtime.device(), Backend.threads());
            if (Throughput.decodingOverhead() + decodeTokens > config.maxPositionEmbeddings()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--decode-tokens exceeds the backbone's "
                        + config.maxPositionEmbeddings() + " positions");
            }
            SplittableRandom data = rng.fork("data").javaRandom();
            double train = Throughput.backboneTraining(root, model, batch, seq, steps, data);
            out.printf(Locale.ROOT, "train   batch %d x %d: %,.0f tokens/s (forward + backward)%n", batch, seq, train);
            double decode = Throughput.backboneDecoding(root, model, decodeTokens, data);
            out.printf(Locale.ROOT, "decode  batch 1, KV cache: %,.0f tokens/s (%.2f ms/token)%n", decode, 1000 / decode);
            AutoencoderConfig aeConfig = AutoencoderConfig.cpu(vocab);
            Autoencoder ae = new Autoencoder(aeConfig);
            ae.initialize(root, rng.fork("ae"));
            double aeTrain = Throughput.autoencoderTraining(root, ae, batch, seq - seq % aeConfig.patchSize(), steps,
                    data, rng.fork("dropout"));
            out.printf(Locale.ROOT, "autoencoder (cpu preset, %,d parameters, K %d, l %d): train %,.0f tokens/s%n",
                    ae.numParameters(), aeConfig.patchSize(), aeConfig.latentSize(), aeTrain);
        }
        out.flush();
        return 0;
    }
}
