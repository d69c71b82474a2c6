/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.llama.KVCache;
import dev.calm.core.llama.Transformer;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Module;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Throughput measurements on random token ids, shared by {@code bench} and {@code quickstart}: training steps
 * (forward + backward, no optimizer) and KV-cached decoding. Each timing starts after warm-up steps.
 */
final class Throughput {

    private static final int WARMUP = 2;

    private Throughput() {}

    /**
     * Forward + backward of next-token cross-entropy through the backbone and its tied head.
     *
     * @return tokens per second
     */
    static double backboneTraining(NDManager root, Transformer model, int batch, int seq, int steps,
            SplittableRandom data) {
        int vocab = model.config().vocabSize();
        return training(root, model, batch, seq + 1, steps, data, vocab, ids -> {
            NDArray input = ids.get(":, :-1"); // [B, T]
            NDArray target = ids.get(":, 1:"); // [B, T]
            return Losses.crossEntropy(model.embedTokens().logits(model.forwardTokens(input, null)), target);
        }) * seq / (seq + 1);
    }

    /**
     * Forward + backward of the autoencoder's training objective (token and latent dropout included).
     *
     * @return tokens per second
     */
    static double autoencoderTraining(NDManager root, Autoencoder ae, int batch, int seq, int steps,
            SplittableRandom data, Rng rng) {
        return training(root, ae, batch, seq, steps, data, ae.config().vocabSize(),
                ids -> ae.trainingLoss(ids, rng).loss());
    }

    private static double training(NDManager root, Module model, int batch, int seq, int steps,
            SplittableRandom data, int vocab, Function<NDArray, NDArray> loss) {
        long start = 0;
        for (int step = 0; step < WARMUP + steps; step++) {
            if (step == WARMUP) {
                start = System.nanoTime();
            }
            try (StepScope scope = StepScope.open(root, model);
                    GradientCollector gc = Backend.engine().newGradientCollector()) {
                NDArray ids = scope.manager().create(data.longs((long) batch * seq, 0, vocab).toArray(),
                        new Shape(batch, seq)); // [B, T]
                NDArray l = loss.apply(ids);
                gc.backward(l);
                l.getFloat(); // wait for the step to finish
            }
        }
        model.namedParameters().values().forEach(p -> Backend.zeroGrad(p.array()));
        return (double) steps * batch * seq / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Greedy decoding at batch 1 with the KV cache, after a short random prompt.
     *
     * @return tokens per second
     */
    static double backboneDecoding(NDManager root, Transformer model, int tokens, SplittableRandom data) {
        int prompt = 16;
        int warmup = 8;
        try (KVCache cache = model.newCache(root)) {
            long next;
            try (StepScope scope = StepScope.open(root, model)) {
                NDArray ids = scope.manager().create(data.longs(prompt, 0, model.config().vocabSize()).toArray(),
                        new Shape(1, prompt));
                next = greedy(model, model.forwardTokens(ids, cache));
            }
            long start = 0;
            for (int i = 0; i < warmup + tokens; i++) {
                if (i == warmup) {
                    start = System.nanoTime();
                }
                try (StepScope scope = StepScope.open(root)) { // inference: no parameter needs attaching
                    NDArray ids = scope.manager().create(new long[] {next}, new Shape(1, 1));
                    next = greedy(model, model.forwardTokens(ids, cache));
                }
            }
            return tokens / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Positions {@link #backboneDecoding} uses beyond the timed tokens. */
    static int decodingOverhead() {
        return 16 + 8;
    }

    /** The most likely next token after the last position. */
    private static long greedy(Transformer model, NDArray hidden) {
        NDArray last = hidden.get(":, -1, :"); // [1, d]
        return model.embedTokens().logits(last).argMax(-1).getLong();
    }
}
