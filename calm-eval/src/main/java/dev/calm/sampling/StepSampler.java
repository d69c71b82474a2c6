/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.calm.core.Rng;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Draws the next step of every sequence of a batch at the configured temperature: directly at T = 1; from the
 * tempered softmax for a {@link TokenModel}; otherwise from the model's samples alone, with the exact
 * {@link TemperatureSampler} or the {@link BatchTemperatureSampler}.
 */
abstract class StepSampler {

    /** Draws requested from the model at a time by the exact method (its rejection loop wants several). */
    static final int DRAWS_PER_CALL = 32;

    /**
     * @param hidden the last hidden state of each sequence, [B, d]
     * @param rng the source of randomness
     * @return the next step's tokens of each sequence, [B][K]
     */
    abstract long[][] next(NDArray hidden, Rng rng);

    /**
     * The next step's tokens on the host and, where the sampler drew them on the device, there too, so that the
     * next step reads them without a copy back.
     *
     * @param tokens the tokens of each sequence, [B][K]
     * @param ids the same tokens on the device, INT64 [B, K], owned by the step's manager; null when the sampler
     *     chose them on the host
     */
    record Step(long[][] tokens, NDArray ids) {}

    /**
     * @param hidden the last hidden state of each sequence, [B, d]
     * @param rng the source of randomness
     * @return the next step's tokens, on the host and, when drawn there, on the device
     */
    Step nextStep(NDArray hidden, Rng rng) {
        return new Step(next(hidden, rng), null);
    }

    /** @return steps where the exact method fell back to the batch method */
    long fallbacks() {
        return 0;
    }

    static StepSampler of(StepModel model, GenerationConfig config) {
        double t = config.temperature();
        if (t == 1.0) {
            return new StepSampler() {
                @Override
                long[][] next(NDArray hidden, Rng rng) {
                    return nextStep(hidden, rng).tokens();
                }

                @Override
                Step nextStep(NDArray hidden, Rng rng) {
                    NDArray drawn = model.sample(hidden, 1, rng); // [1, B, K]: the only copy to the host per step
                    return new Step(StepModel.toHost(drawn)[0], drawn.reshape(hidden.getShape().get(0), -1));
                }
            };
        }
        if (model instanceof TokenModel tokens) {
            return new StepSampler() {
                @Override
                long[][] next(NDArray hidden, Rng rng) {
                    NDArray ids = TokenModel.sampleLogits(tokens.logits(hidden).div((float) t), 1, rng); // [1, B]
                    return StepModel.toHost(ids.expandDims(2))[0];
                }
            };
        }
        return config.method() == TemperatureMethod.BATCH
                ? new Batch(model, new BatchTemperatureSampler(t), config.candidates())
                : new Exact(model, new TemperatureSampler(t, TemperatureSampler.DEFAULT_MAX_TRIES, config.candidates()));
    }

    /** A step's tokens as an outcome that the temperature samplers compare by value. */
    record Chunk(long[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Chunk c && Arrays.equals(ids, c.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return Arrays.toString(ids);
        }
    }

    /** N candidates per sequence in one call to the model, then the batch approximation. */
    private static final class Batch extends StepSampler {
        private final StepModel model;
        private final BatchTemperatureSampler sampler;
        private final int candidates;

        Batch(StepModel model, BatchTemperatureSampler sampler, int candidates) {
            this.model = model;
            this.sampler = sampler;
            this.candidates = candidates;
        }

        @Override
        long[][] next(NDArray hidden, Rng rng) {
            long[][][] drawn = StepModel.toHost(model.sample(hidden, candidates, rng)); // [N][B][K]
            long[][] out = new long[drawn[0].length][];
            for (int r = 0; r < out.length; r++) {
                List<Chunk> chunks = new ArrayList<>(candidates);
                for (long[][] draw : drawn) {
                    chunks.add(new Chunk(draw[r]));
                }
                out[r] = sampler.choose(chunks, rng).ids();
            }
            return out;
        }
    }

    /** The exact method per sequence, fed by draws the model makes {@value #DRAWS_PER_CALL} at a time. */
    private static final class Exact extends StepSampler {
        private final StepModel model;
        private final TemperatureSampler sampler;

        Exact(StepModel model, TemperatureSampler sampler) {
            this.model = model;
            this.sampler = sampler;
        }

        @Override
        long[][] next(NDArray hidden, Rng rng) {
            int b = (int) hidden.getShape().get(0);
            long[][] out = new long[b][];
            for (int r = 0; r < b; r++) {
                NDArray row = hidden.get(new NDIndex("{}:{}", r, r + 1)); // [1, d]
                ArrayDeque<Chunk> buffer = new ArrayDeque<>();
                Supplier<Chunk> draw = () -> {
                    if (buffer.isEmpty()) {
                        for (long[][] d : StepModel.toHost(model.sample(row, DRAWS_PER_CALL, rng))) {
                            buffer.add(new Chunk(d[0]));
                        }
                    }
                    return buffer.poll();
                };
                out[r] = sampler.sample(draw, rng).ids();
            }
            return out;
        }

        @Override
        long fallbacks() {
            return sampler.fallbacks();
        }
    }
}
