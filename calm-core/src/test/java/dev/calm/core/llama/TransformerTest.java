/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.experiment.CalmExperiment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The backbone against golden numbers from an independent numpy implementation of Hugging Face's LlamaModel,
 * and its invariants: KV-cache decoding equals the full pass, and causality.
 */
@CalmExperiment
class TransformerTest {

    /** FP32 forward against the float64 reference, whose outputs were rounded to FP32. */
    private static final float GOLDEN_TOL = 1e-5f;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void matchesTheNumpyReferenceOfHuggingFaceLlama() {
        Transformer model = Golden.model(manager);
        Map<String, NDArray> io = Golden.io(manager);
        NDArray ids = io.get("input_ids"); // [2, 7]

        NDArray hidden = model.forwardTokens(ids, null); // [2, 7, 16]
        assertEquals(new Shape(2, 7, 16), hidden.getShape());
        assertTrue(maxAbsDiff(hidden, io.get("last_hidden_state")) <= GOLDEN_TOL,
                "last_hidden_state max abs diff " + maxAbsDiff(hidden, io.get("last_hidden_state")));

        NDArray logits = model.embedTokens().logits(hidden); // [2, 7, 32]
        assertTrue(maxAbsDiff(logits, io.get("logits_tied")) <= GOLDEN_TOL);

        RotaryEmbedding.Tables t = rope(manager, 7);
        assertArrayEquals(io.get("rope_cos").toFloatArray(), t.cos().toFloatArray(), 1e-7f);
        // the signed table is concat(-sin, sin) of the first half of the reference's sin
        NDArray sin = io.get("rope_sin"); // [7, 4]
        NDArray signed = NDArrays.concat(new NDList(sin.get(":, :2").neg(), sin.get(":, 2:")), 1);
        assertArrayEquals(signed.toFloatArray(), t.signedSin().toFloatArray(), 1e-7f);
    }

    @Test
    void firstLayerMatchesTheReference() {
        Transformer model = Golden.model(manager);
        Map<String, NDArray> io = Golden.io(manager);
        NDArray x = model.embed(io.get("input_ids"));
        RotaryEmbedding.Tables t = rope(manager, 7);
        NDArray h = model.layers().get(0).forward(x, t, null, null);
        // values up to 6.7 in magnitude: 1e-5 absolute is about 2 ulp of FP32 there
        assertTrue(maxAbsDiff(h, io.get("layer0_output")) <= GOLDEN_TOL, "diff " + maxAbsDiff(h, io.get("layer0_output")));
    }

    @Test
    void kvCacheDecodingEqualsTheFullPass() {
        TransformerConfig c = new TransformerConfig(50, 32, 80, 3, 4, 2, 64, 10000, 1e-6);
        Transformer model = new Transformer(c);
        model.initialize(manager, new Rng(11));
        scaleWeights(model, 10f); // std 0.2 instead of 0.02, so attention patterns are far from uniform
        NDArray ids = manager.create(new Rng(12).javaRandom().longs(3 * 13, 0, 50).toArray(), new Shape(3, 13));

        NDArray full = model.forwardTokens(ids, null); // [3, 13, 32]
        try (KVCache cache = model.newCache(manager)) {
            NDList parts = new NDList();
            parts.add(model.forwardTokens(ids.get(new NDIndex(":, 0:5")), cache)); // a 5-token prompt
            parts.add(model.forwardTokens(ids.get(new NDIndex(":, 5:8")), cache)); // a chunk after a past
            for (int i = 8; i < 13; i++) {
                parts.add(model.forwardTokens(ids.get(new NDIndex(":, {}:{}", i, i + 1)), cache)); // then one by one
            }
            assertEquals(13, cache.length());
            NDArray incremental = NDArrays.concat(parts, 1);
            float diff = maxAbsDiff(full, incremental);
            assertTrue(diff <= 1e-5f, "KV-cache decoding differs from the full pass by " + diff);
        }
    }

    @Test
    void kvCacheGrowsWithoutChangingResults() {
        // 150 positions: the cache's buffers grow from 64 to 128 to 256 on the way
        TransformerConfig c = new TransformerConfig(50, 32, 80, 2, 4, 2, 256, 10000, 1e-6);
        Transformer model = new Transformer(c);
        model.initialize(manager, new Rng(13));
        scaleWeights(model, 10f);
        NDArray ids = manager.create(new Rng(14).javaRandom().longs(2 * 150, 0, 50).toArray(), new Shape(2, 150));
        NDArray full = model.forwardTokens(ids, null);
        try (KVCache cache = model.newCache(manager)) {
            NDList parts = new NDList();
            parts.add(model.forwardTokens(ids.get(new NDIndex(":, 0:60")), cache));
            assertEquals(64, cache.capacity());
            parts.add(model.forwardTokens(ids.get(new NDIndex(":, 60:70")), cache)); // crosses 64
            assertEquals(128, cache.capacity());
            for (int i = 70; i < 150; i++) {
                parts.add(model.forwardTokens(ids.get(new NDIndex(":, {}:{}", i, i + 1)), cache)); // crosses 128
                // the buffers double only when full, never once per token
                assertEquals(i + 1 <= 128 ? 128 : 256, cache.capacity(), "capacity after position " + i);
            }
            float diff = maxAbsDiff(full, NDArrays.concat(parts, 1));
            assertTrue(diff <= 1e-5f, "KV-cache decoding differs from the full pass by " + diff);
        }
    }

    @Test
    void kvCacheDecodingEqualsTheFullPassOnTheGoldenModel() {
        Transformer model = Golden.model(manager);
        Map<String, NDArray> io = Golden.io(manager);
        NDArray ids = io.get("input_ids");
        try (KVCache cache = model.newCache(manager)) {
            NDList parts = new NDList();
            for (int i = 0; i < 7; i++) {
                parts.add(model.forwardTokens(ids.get(new NDIndex(":, {}:{}", i, i + 1)), cache));
            }
            float diff = maxAbsDiff(NDArrays.concat(parts, 1), io.get("last_hidden_state"));
            assertTrue(diff <= GOLDEN_TOL, "diff " + diff);
        }
    }

    @Test
    void laterTokensNeverChangeEarlierOutputs() {
        TransformerConfig c = TransformerConfig.tiny(40);
        Transformer model = new Transformer(c);
        model.initialize(manager, new Rng(21));
        scaleWeights(model, 10f);
        long[] tokens = new Rng(22).javaRandom().longs(16, 0, 40).toArray();
        NDArray base = model.forwardTokens(manager.create(tokens, new Shape(1, 16)), null);
        for (int j : new int[] {1, 7, 15}) {
            long[] changed = tokens.clone();
            changed[j] = (changed[j] + 1) % 40;
            NDArray out = model.forwardTokens(manager.create(changed, new Shape(1, 16)), null);
            NDIndex before = new NDIndex(":, 0:{}", j);
            NDIndex after = new NDIndex(":, {}:", j);
            assertEquals(0f, maxAbsDiff(base.get(before), out.get(before)), "outputs before position " + j);
            assertTrue(maxAbsDiff(base.get(after), out.get(after)) > 1e-4f, "outputs from position " + j);
        }
    }

    @Test
    void parameterNamesFollowHuggingFaceLlama() {
        Transformer model = new Transformer(Golden.config());
        assertEquals(2 + 2 * 9, model.namedParameters().size());
        assertTrue(model.namedParameters().containsKey("embed_tokens.weight"));
        assertTrue(model.namedParameters().containsKey("layers.1.self_attn.k_proj.weight"));
        assertTrue(model.namedParameters().containsKey("layers.0.post_attention_layernorm.weight"));
        assertTrue(model.namedParameters().containsKey("norm.weight"));
        assertEquals(new Shape(8, 16), model.namedParameters().get("layers.0.self_attn.v_proj.weight").shape());
        // 32*16 + 2 * (16 + 16*16 + 2*8*16 + 16*16 + 16 + 3*40*16) + 16
        assertEquals(512 + 2 * (16 + 256 + 256 + 256 + 16 + 1920) + 16, model.numParameters());
    }

    @Test
    void rejectsInputsOfTheWrongWidthOrLength() {
        Transformer model = new Transformer(TransformerConfig.tiny(40));
        model.initialize(manager, new Rng(1));
        CalmException e = assertThrows(CalmException.class, () -> model.forward(manager.zeros(new Shape(1, 3, 8)), null));
        assertTrue(e.getMessage().contains("[batch, time, 64]"), e.getMessage());
        NDArray tooLong = manager.zeros(new Shape(1, 513, 64));
        e = assertThrows(CalmException.class, () -> model.forward(tooLong, null));
        assertTrue(e.getMessage().contains("exceeds max_position_embeddings 512"), e.getMessage());
    }

    @Test
    void aCacheServesOneBatch() {
        Transformer model = Golden.model(manager);
        try (KVCache cache = model.newCache(manager)) {
            model.forwardTokens(manager.create(new long[] {1, 2}, new Shape(2, 1)), cache);
            NDArray single = manager.create(new long[] {3}, new Shape(1, 1));
            CalmException e = assertThrows(CalmException.class, () -> model.forwardTokens(single, cache));
            assertTrue(e.getMessage().contains("holds a batch of 2 sequences but the input has 1"), e.getMessage());
        }
    }

    @Test
    void loadNamesMissingAndUnexpectedTensors() {
        Transformer model = new Transformer(Golden.config());
        Map<String, NDArray> tensors = new LinkedHashMap<>(Golden.model(manager).stateDict());
        tensors.remove("layers.1.mlp.up_proj.weight");
        tensors.put("lm_head.weight", manager.zeros(new Shape(32, 16)));
        CalmException e = assertThrows(CalmException.class, () -> model.load(tensors, manager));
        assertTrue(e.getMessage().contains("missing [layers.1.mlp.up_proj.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected [lm_head.weight]"), e.getMessage());
    }

    private static RotaryEmbedding.Tables rope(NDManager manager, int length) {
        RotaryEmbedding rope = new RotaryEmbedding(4, length, 10000);
        rope.initialize(manager, new Rng(0));
        return rope.tables(manager, 0, length);
    }

    private void scaleWeights(Transformer model, float factor) {
        try (Backend.GradScope grad = Backend.noGrad()) { // in place on leaves that require grad
            model.namedParameters().forEach((name, p) -> {
                if (p.decay()) {
                    p.array().muli(factor);
                }
            });
        }
    }
}
