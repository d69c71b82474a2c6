/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import java.util.List;

/**
 * The result of one {@link Generator#generate} call over a batch of prompts.
 *
 * @param sequences one generation per prompt, in order
 * @param steps autoregressive steps taken after the prompts (a CALM step yields K tokens per sequence)
 * @param seconds wall time of the whole call, prompts included
 * @param fallbacks steps whose exact temperature sampling gave up and used the batch method
 */
public record Generations(List<Generation> sequences, int steps, double seconds, long fallbacks) {

    /**
     * Copies the list.
     *
     * @param sequences one generation per prompt (copied)
     * @param steps steps after the prompts
     * @param seconds wall time of the call
     * @param fallbacks exact-sampling steps that fell back to the batch method
     */
    public Generations {
        sequences = List.copyOf(sequences);
    }

    /** @return the first (or only) sequence */
    public Generation first() {
        return sequences.get(0);
    }

    /** @return generated tokens of all sequences */
    public long tokens() {
        return sequences.stream().mapToLong(g -> g.tokens().length).sum();
    }

    /** @return generated tokens of all sequences per second of wall time */
    public double tokensPerSecond() {
        return tokens() / Math.max(1e-9, seconds);
    }
}
