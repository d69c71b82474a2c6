/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;

/**
 * Where the T new positions of a forward pass sit and which keys each of them may read, for passes that are not
 * one causal run from the cache's end: batches of left-padded prompts (padding is hidden from every query), and
 * branches that share a cached prefix (BrierLM's continuations, which all hang off one teacher-forced pass).
 *
 * <p>Rotary embeddings depend only on the distance between a query and a key, so a left-padded row whose padding
 * is masked out computes exactly what the same row computes alone.
 *
 * @param positions the rotary position of each new query, T values
 * @param mask an additive mask [rows, T, S] (rows is 1 or the batch; S = cached positions + T): 0 where query t
 *     may read key s, {@link #MASKED} where it may not. Every query must see at least one key.
 */
public record AttentionLayout(long[] positions, NDArray mask) {

    /** Added to the scores of hidden keys; exp underflows to exactly 0 in FP32. */
    public static final float MASKED = -1e30f;

    /** Which keys a query may read. */
    @FunctionalInterface
    public interface Visibility {

        /**
         * @param row the batch row (0 when the mask is shared by all rows)
         * @param query the index of the new position, 0 .. T-1
         * @param key the key's index in the cache after the pass, 0 .. S-1
         * @return whether the query may read the key
         */
        boolean visible(int row, int query, int key);
    }

    /**
     * Copies the positions and checks the mask's shape.
     *
     * @param positions the rotary position of each of the T new queries (copied)
     * @param mask the additive mask {@code [rows, T, S]}; not copied, so it lives as long as its manager
     * @throws CalmException if the mask is not 3-D with T queries
     */
    public AttentionLayout {
        positions = positions.clone();
        Shape s = mask.getShape();
        if (s.dimension() != 3 || s.get(1) != positions.length) {
            throw new CalmException("attention mask must be [rows, " + positions.length + ", keys], got " + s);
        }
    }

    /**
     * Builds a layout from a visibility rule.
     *
     * @param manager owner of the mask (the step's manager)
     * @param positions the rotary position of each new query
     * @param rows 1 for a mask shared by the batch, or the batch size
     * @param keys S, the cache's length after the pass
     * @param visibility which keys each query may read
     * @return the layout
     */
    public static AttentionLayout of(NDManager manager, long[] positions, int rows, int keys, Visibility visibility) {
        int t = positions.length;
        float[] mask = new float[rows * t * keys];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < t; q++) {
                boolean any = false;
                for (int k = 0; k < keys; k++) {
                    boolean visible = visibility.visible(r, q, k);
                    any |= visible;
                    mask[(r * t + q) * keys + k] = visible ? 0f : MASKED;
                }
                if (!any) {
                    throw new CalmException("query " + q + " of row " + r + " may read no key");
                }
            }
        }
        return new AttentionLayout(positions, manager.create(mask, new Shape(rows, t, keys)));
    }

    /** @return the number of new positions T */
    public int length() {
        return positions.length;
    }

    /** @return the largest rotary position of the pass */
    long maxPosition() {
        long max = 0;
        for (long p : positions) {
            max = Math.max(max, p);
        }
        return max;
    }
}
