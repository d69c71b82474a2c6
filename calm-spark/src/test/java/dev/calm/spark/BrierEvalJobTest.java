/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.Rng;
import dev.calm.core.data.shards.ShardedDatasetWriter;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.energy.TokenBaseline;
import dev.calm.eval.BrierLM;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BrierLM merged from Spark's partitions equals the single-process evaluation of the same positions. */
class BrierEvalJobTest {

    private static final int V = 32;

    @Test
    void theMergedResultEqualsASingleProcessEvaluation(@TempDir Path dir) {
        TokenizerIdentity tok = new TokenizerIdentity(TokenizerIdentity.sha256("v".getBytes(StandardCharsets.UTF_8)),
                V, 0);
        SplittableRandom r = new SplittableRandom(3);
        try (ShardedDatasetWriter w = ShardedDatasetWriter.create(dir,
                new ShardedDatasetWriter.Settings(tok, 200, "validation", 0, 0), s -> { })) {
            for (int d = 0; d < 60; d++) {
                int[] ids = new int[5 + r.nextInt(20)];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = 1 + (d + i) % (V - 1);
                }
                w.add(ids);
            }
            w.finish();
        }
        BrierEvalJob.ModelFactory model = root -> {
            TokenBaseline m = new TokenBaseline(TransformerConfig.tiny(V));
            m.initialize(root, new Rng(1));
            return m;
        };
        BrierEvalJob.Options options = new BrierEvalJob.Options(16, 24, 3, 2, 7);
        BrierLM.Result local = BrierEvalJob.evaluateLocally(dir, model, options).result();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        for (int partitions : new int[] {1, 3}) {
            BrierLM.Result merged = BrierEvalJob.run(sc, dir, model, options, partitions).result();
            assertEquals(local.positions(), merged.positions());
            assertArrayEquals(local.brier(), merged.brier(), 1e-12, partitions + " partitions");
            assertArrayEquals(local.standardError(), merged.standardError(), 1e-12, partitions + " partitions");
            assertEquals(local.brierLM(), merged.brierLM(), 1e-12);
        }
        assertTrue(local.positions() >= 24, "positions of 24 blocks: " + local.positions());
        assertTrue(local.brier()[0] > 0 && local.brier()[0] < 1, "Brier-1 of an untrained model: " + local.brier()[0]);
    }
}
