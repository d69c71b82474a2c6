/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.experiment.CalmExperiment;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Explicit positions and masks compute what the plain causal pass computes on the sequence they stand for:
 * left padding that is masked out changes nothing, and branches off a cached prefix equal full passes.
 */
@CalmExperiment
class AttentionLayoutTest {

    /** FP32 results of differently shaped but equivalent computations. */
    private static final float TOL = 2e-5f;

    private NDManager manager;
    private Transformer model;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
        model = new Transformer(new TransformerConfig(50, 32, 80, 2, 4, 2, 128, 10000, 1e-6));
        model.initialize(manager, new Rng(31));
        try (Backend.GradScope grad = Backend.noGrad()) { // in place on leaves that require grad
            model.namedParameters().values().stream().filter(p -> p.decay()).forEach(p -> p.array().muli(10f));
        }
    }

    @Test
    void aCausalLayoutEqualsTheDefaultPass() {
        NDArray ids = ids(2, 9, 1);
        long[] positions = LongStream.range(0, 9).toArray();
        AttentionLayout causal = AttentionLayout.of(manager, positions, 1, 9, (r, q, k) -> k <= q);
        float diff = maxAbsDiff(model.forwardTokens(ids, null), model.forwardTokens(ids, null, causal));
        assertTrue(diff <= TOL, "diff " + diff);
    }

    @Test
    void maskedLeftPaddingChangesNothing() {
        NDArray row = ids(1, 7, 2); // the real prompt
        NDArray alone = model.forwardTokens(row, null); // [1, 7, d]
        int pad = 5;
        long[] padded = new long[pad + 7];
        Arrays.fill(padded, 0, pad, 49L); // any id: it is masked
        System.arraycopy(row.toLongArray(), 0, padded, pad, 7);
        NDArray batch = manager.create(padded, new Shape(1, pad + 7));
        long[] positions = LongStream.range(0, pad + 7).toArray();
        // a padding query reads itself only, so no row of the softmax is empty
        AttentionLayout layout = AttentionLayout.of(manager, positions, 1, pad + 7,
                (r, q, k) -> k <= q && (k >= pad || k == q));
        NDArray out = model.forwardTokens(batch, null, layout).get(new NDIndex(":, {}:", pad));
        float diff = maxAbsDiff(alone, out);
        assertTrue(diff <= TOL, "left-padded row differs by " + diff);
    }

    @Test
    void branchesOffACachedPrefixEqualFullPasses() {
        int n = 8;
        NDArray gold = ids(1, n, 3); // [1, n]
        long[] branch = ids(1, n, 4).toLongArray(); // one token after each prefix gold[0..p]
        long[] second = ids(1, n, 5).toLongArray(); // and a second one after that
        try (KVCache cache = model.newCache(manager)) {
            model.forwardTokens(gold, cache);
            long[] step1 = LongStream.range(1, n + 1).toArray(); // branch p sits at position p + 1
            NDArray h1 = model.forwardTokens(manager.create(branch, new Shape(1, n)), cache,
                    AttentionLayout.of(manager, step1, 1, 2 * n, (r, q, k) -> k <= q || k == n + q));
            long[] step2 = LongStream.range(2, n + 2).toArray();
            NDArray h2 = model.forwardTokens(manager.create(second, new Shape(1, n)), cache,
                    AttentionLayout.of(manager, step2, 1, 3 * n, (r, q, k) -> k <= q || k == n + q || k == 2 * n + q));
            assertEquals(3 * n, cache.length());
            for (int p = 0; p < n; p++) {
                long[] seq = new long[p + 3];
                System.arraycopy(gold.toLongArray(), 0, seq, 0, p + 1);
                seq[p + 1] = branch[p];
                seq[p + 2] = second[p];
                NDArray full = model.forwardTokens(manager.create(seq, new Shape(1, p + 3)), null); // [1, p+3, d]
                float d1 = maxAbsDiff(full.get(new NDIndex(":, {}", p + 1)), h1.get(new NDIndex(":, {}", p)));
                float d2 = maxAbsDiff(full.get(new NDIndex(":, {}", p + 2)), h2.get(new NDIndex(":, {}", p)));
                assertTrue(d1 <= TOL && d2 <= TOL, "branch " + p + " differs by " + d1 + " and " + d2);
            }
        }
    }

    @Test
    void rejectsMasksThatDoNotFitOrHideEverything() {
        NDArray ids = ids(1, 4, 6);
        long[] positions = {0, 1, 2, 3};
        AttentionLayout wrongKeys = AttentionLayout.of(manager, positions, 1, 5, (r, q, k) -> true);
        CalmException e = assertThrows(CalmException.class, () -> model.forwardTokens(ids, null, wrongKeys));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        e = assertThrows(CalmException.class, () -> AttentionLayout.of(manager, positions, 1, 4, (r, q, k) -> k < q));
        assertTrue(e.getMessage().contains("query 0 of row 0 may read no key"), e.getMessage());
    }

    private NDArray ids(int b, int t, long seed) {
        return manager.create(new Rng(seed).javaRandom().longs((long) b * t, 0, 50).toArray(), new Shape(b, t));
    }
}
