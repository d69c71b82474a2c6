/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.OpCounter;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.io.FileTrees;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generator;
import dev.calm.training.Objective;
import dev.calm.training.ShuffledBlocks;
import dev.calm.training.StepMetrics;
import dev.calm.training.TrainConfig;
import dev.calm.training.Trainer;
import dev.calm.training.TrainingHook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput measurements on random token ids, shared by {@code bench} and {@code quickstart}. Each timing starts
 * after {@value #WARMUP} warm-up steps (or a warm-up generation), so that one-time set-up is not counted.
 */
public final class Throughput {

    private static final int WARMUP = 2;

    /** Prompt tokens before a timed generation (and its untimed warm-up of as many tokens). */
    private static final int PROMPT = 16;

    private Throughput() {}

    /**
     * Speed of training steps.
     *
     * @param tokensPerSecond text tokens per second (B x T per step)
     * @param opsPerStep libtorch calls of one step, forward, backward, clipping and AdamW included
     */
    public record TrainingSpeed(double tokensPerSecond, int opsPerStep) {}

    /**
     * Full optimizer steps through the library's {@link Trainer} (forward, backward, clipping, AdamW), exactly as
     * a training run takes them, in a scratch run directory that is deleted afterwards. The model is updated. The
     * last warm-up step runs under an {@link OpCounter}; the clock starts after it.
     *
     * @param objective the model and its loss
     * @param vocab ids of the vocabulary the random tokens are drawn from
     * @param data source of the random token ids
     * @param batch blocks per step
     * @param seq tokens per block
     * @param steps timed steps
     * @return tokens per second and libtorch calls per step
     */
    public static TrainingSpeed training(Objective objective, int vocab, int batch, int seq, int steps,
            SplittableRandom data) {
        int[][] blocks = new int[batch * (WARMUP + steps)][];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = data.ints(seq, 0, vocab).toArray();
        }
        TrainConfig config = TrainConfig.defaults(WARMUP + steps).toBuilder().warmupSteps(0).logEvery(WARMUP + steps)
                .checkpointEvery(0).progressBar(false).build();
        long[] clock = new long[2]; // after the warm-up, at the end of the last step
        int[] ops = new int[1];
        OpCounter[] counter = new OpCounter[1];
        TrainingHook hook = new TrainingHook() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == WARMUP - 1) {
                    counter[0] = OpCounter.start(); // counts step WARMUP
                } else if (m.step() == WARMUP) {
                    ops[0] = counter[0].stop().total();
                    clock[0] = System.nanoTime();
                } else if (m.step() == WARMUP + steps) {
                    clock[1] = System.nanoTime();
                }
            }
        };
        Path dir = scratchDirectory();
        try {
            new Trainer(objective, new ShuffledBlocks(blocks, batch, data.nextLong()), config, dir).addHook(hook)
                    .withoutCheckpoints().fit();
        } finally {
            if (counter[0] != null) {
                counter[0].close();
            }
            FileTrees.delete(dir);
        }
        double tokensPerSecond = (double) steps * batch * seq / ((clock[1] - clock[0]) / 1e9);
        return new TrainingSpeed(tokensPerSecond, ops[0]);
    }

    /**
     * Forward + backward of an objective without an update (the model is unchanged): how the autoencoder stage
     * sizes its step budget before training.
     *
     * @param objective the model and its loss
     * @param vocab ids of the vocabulary the random tokens are drawn from
     * @param batch sequences per call
     * @param seq tokens per block
     * @param steps timed steps
     * @param data source of the random token ids
     * @param rng the model's random draws
     * @return tokens per second
     */
    public static double forwardBackward(Objective objective, int vocab, int batch, int seq, int steps,
            SplittableRandom data, Rng rng) {
        long start = 0;
        for (int step = 0; step < WARMUP + steps; step++) {
            if (step == WARMUP) {
                start = System.nanoTime();
            }
            try (StepScope scope = StepScope.open(objective.model().manager(), objective.model());
                    GradientCollector gc = Backend.engine().newGradientCollector()) {
                NDArray ids = scope.manager().create(data.longs((long) batch * seq, 0, vocab).toArray(),
                        new Shape(batch, seq)); // [B, T]
                NDArray l = objective.loss(ids, rng).loss();
                gc.backward(l);
                l.getFloat(); // wait for the step to finish
            }
        }
        objective.model().namedParameters().values().forEach(p -> Backend.zeroGrad(p.array()));
        return (double) steps * batch * seq / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Generation with the KV cache after a random {@value #PROMPT}-token prompt per sequence, once untimed to warm
     * up, without stopping at end-of-text.
     *
     * @param generator the model's generator
     * @param vocab ids of the vocabulary the random tokens are drawn from
     * @param data source of the random token ids
     * @param rng the model's random draws
     * @param batch sequences generated together
     * @param tokens tokens generated per sequence in the timed call
     * @return generated tokens per second (all sequences), the prompts' pass included
     */
    public static double generation(Generator generator, int vocab, int batch, int tokens, SplittableRandom data, Rng rng) {
        List<long[]> prompts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            prompts.add(data.longs(PROMPT, 0, vocab).toArray());
        }
        return timedGeneration(generator, prompts, tokens, rng);
    }

    /**
     * Generation with the KV cache continuing one text in every sequence of a batch, once untimed to warm up,
     * without stopping at end-of-text.
     *
     * @param generator the model's generator
     * @param tokenizer encodes the prompt
     * @param prompt the text every sequence continues
     * @param batch sequences per call
     * @param tokens tokens generated per sequence in the timed call
     * @param rng the model's random draws
     * @return generated tokens per second (all sequences), the prompts' pass included
     */
    public static double generation(Generator generator, Tokenizer tokenizer, String prompt, int batch, int tokens, Rng rng) {
        long[] ids = Arrays.stream(tokenizer.encode(prompt)).asLongStream().toArray();
        return timedGeneration(generator, Collections.nCopies(batch, ids), tokens, rng);
    }

    /**
     * libtorch calls per generation step at a batch size: the calls of a generation of 12 steps less those of one
     * of 4 steps, over 8, so that the prompt's pass and the set-up cancel out.
     *
     * @param generator the model's generator
     * @param vocab ids of the vocabulary the random tokens are drawn from
     * @param batch sequences per call
     * @param data source of the random token ids
     * @param rng the model's random draws
     * @param tokensPerStep tokens each step generates per sequence (K for CALM)
     * @return calls per step
     */
    public static double opsPerGenerationStep(Generator generator, int vocab, int batch, int tokensPerStep,
            SplittableRandom data, Rng rng) {
        List<long[]> prompts = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            prompts.add(data.longs(PROMPT, 0, vocab).toArray());
        }
        int[] counts = new int[2];
        int[] steps = {4, 12};
        for (int i = 0; i < 2; i++) {
            GenerationConfig config = GenerationConfig.of(steps[i] * tokensPerStep).withStopAtEndOfText(false);
            generator.generate(prompts, config, rng); // anything allocated once is allocated before counting
            try (OpCounter counter = OpCounter.start()) {
                generator.generate(prompts, config, rng);
                counts[i] = counter.stop().total();
            }
        }
        return (counts[1] - counts[0]) / (double) (steps[1] - steps[0]);
    }

    /**
     * Speed of the autoencoder's decoder alone.
     *
     * @param tokensPerSecond decoded tokens per second (K per latent vector), one host copy per call included
     * @param opsPerCall libtorch calls of one call
     */
    public record DecodingSpeed(double tokensPerSecond, int opsPerCall) {}

    /**
     * Decodes random latent vectors into their most likely K tokens, as CALM's generation does after each step:
     * {@code batch} vectors per call, on one intra-op thread for a single vector (as {@link Generator} runs a
     * single sequence) and the engine's threads otherwise.
     *
     * @param ae the autoencoder
     * @param batch sequences per call
     * @param rng the model's random draws
     * @param calls timed calls, after {@value #WARMUP} untimed ones
     * @return tokens per second and calls per decode
     */
    public static DecodingSpeed decoding(Autoencoder ae, int batch, int calls, Rng rng) {
        NDManager root = ae.manager();
        try (Backend.ThreadScope t = Backend.threads(batch == 1 ? 1 : Backend.threads());
                Backend.GradScope g = Backend.noGrad(); NDManager latents = root.newSubManager()) {
            NDArray z = rng.normal(latents, new Shape(batch, 1, ae.config().latentSize()), 0f, 1f); // [B, 1, l]
            long start = 0;
            for (int call = 0; call < WARMUP + calls; call++) {
                if (call == WARMUP) {
                    start = System.nanoTime();
                }
                try (StepScope scope = StepScope.open(root)) {
                    z.tempAttach(scope.manager());
                    ae.decodeTokens(z).toLongArray(); // [B, K]: the one copy to the host
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int ops;
            try (StepScope scope = StepScope.open(root); OpCounter counter = OpCounter.start()) {
                z.tempAttach(scope.manager());
                ae.decodeTokens(z).toLongArray();
                ops = counter.stop().total();
            }
            return new DecodingSpeed((double) calls * batch * ae.config().patchSize() / seconds, ops);
        }
    }

    private static double timedGeneration(Generator generator, List<long[]> prompts, int tokens, Rng rng) {
        GenerationConfig config = GenerationConfig.of(tokens).withStopAtEndOfText(false);
        generator.generate(prompts, config, rng);
        return generator.generate(prompts, config, rng).tokensPerSecond();
    }

    /**
     * @param tokens tokens of a timed {@link #generation}
     * @return the positions a model needs for it (each call starts a new cache)
     */
    public static int generationPositions(int tokens) {
        return PROMPT + tokens;
    }

    private static Path scratchDirectory() {
        try {
            return Files.createTempDirectory("calm-throughput");
        } catch (IOException e) {
            throw new CalmException("cannot create a scratch directory for the throughput run: " + e.getMessage());
        }
    }
}
