/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples;

import java.util.HashMap;
import java.util.Map;

/**
 * The best Brier-1 that a model which ignores its context can expect on given held-out blocks: the bar a trained
 * model must clear to show that it learned from its context ({@link LibraryExample} prints it beside BrierLM).
 *
 * <p>Let p be the empirical distribution of the first token of the scored continuations (the token at each
 * scored position) and q the distribution, the same at every position, from which a context-blind model draws.
 * Its expected Brier-1 is E[1{x1 = y} + 1{x2 = y} - 1{x1 = x2}] = 2 sum q p - sum q^2 = sum p^2 - sum (q - p)^2,
 * at most sum p^2 (reached at q = p, the unigram distribution of those positions).
 */
public final class ContextBlind {

    private ContextBlind() {}

    /**
     * @param blocks held-out blocks of token ids, each a multiple of {@code k} long
     * @param k tokens per model step (a position is scored at every step boundary after the first step whose
     *     next 4 tokens, in whole steps, are in the block: the positions {@code BrierEvaluator} scores)
     * @return sum p^2 over the tokens at the scored positions
     */
    public static double brier1Bound(int[][] blocks, int k) {
        int stepsAhead = (4 + k - 1) / k;
        Map<Integer, Integer> counts = new HashMap<>();
        long scored = 0;
        for (int[] block : blocks) {
            for (int i = k; i <= block.length - stepsAhead * k; i += k, scored++) {
                counts.merge(block[i], 1, Integer::sum);
            }
        }
        double sum = 0;
        for (int c : counts.values()) {
            sum += (double) c / scored * c / scored;
        }
        return sum;
    }
}
