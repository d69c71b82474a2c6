/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.io.DType;
import dev.calm.core.nn.Parameter;
import dev.calm.experiment.CalmExperiment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused inference path (passes without gradients) against the numpy reference of Hugging Face's LlamaModel
 * and against the training path: full passes, KV-cache decoding, masked layouts, grouped-query and plain heads;
 * and the fused storage: parameters are views of it, so in-place updates, checkpoints and loads see one set of
 * weights.
 */
@CalmExperiment
class FusedInferenceTest {

    /** FP32 results of differently grouped but equal computations. */
    private static final float TOL = 1e-5f;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
        Backend.setGradMode(false); // the fused path is the path of passes without gradients
    }

    @AfterEach
    void restoreGradMode() {
        Backend.setGradMode(true);
    }

    @Test
    void theFusedPathMatchesTheNumpyReference() {
        Transformer model = Golden.model(manager);
        Map<String, NDArray> io = Golden.io(manager);
        NDArray ids = io.get("input_ids"); // [2, 7]
        NDArray reference = io.get("last_hidden_state");
        assertTrue(maxAbsDiff(model.forwardTokens(ids, null), reference) <= TOL, "full pass");
        try (KVCache cache = model.newCache(manager)) {
            NDList parts = new NDList();
            for (int i = 0; i < 7; i++) {
                parts.add(model.forwardTokens(ids.get(new NDIndex(":, {}:{}", i, i + 1)), cache));
            }
            assertTrue(maxAbsDiff(NDArrays.concat(parts, 1), reference) <= TOL, "token by token with the cache");
        }
    }

    @Test
    void fusedAndTrainingPathsAgreeWithTheCacheAndWithMasks() {
        for (TransformerConfig c : List.of(new TransformerConfig(50, 32, 80, 2, 4, 2, 128, 10000, 1e-6), // GQA
                new TransformerConfig(50, 32, 80, 2, 2, 2, 128, 10000, 1e-6))) { // one key/value head per query head
            Transformer model = scaled(c, 41);
            NDArray ids = manager.create(new Rng(42).javaRandom().longs(3 * 13, 0, 50).toArray(), new Shape(3, 13));
            NDArray reference = model.setFusedInference(false).forwardTokens(ids, null);
            model.setFusedInference(true);
            assertTrue(maxAbsDiff(model.forwardTokens(ids, null), reference) <= TOL, "full pass, " + c);
            try (KVCache cache = model.newCache(manager)) {
                NDList parts = new NDList();
                parts.add(model.forwardTokens(ids.get(":, 0:5"), cache)); // a prompt
                parts.add(model.forwardTokens(ids.get(":, 5:8"), cache)); // a run after a past
                for (int i = 8; i < 13; i++) {
                    parts.add(model.forwardTokens(ids.get(new NDIndex(":, {}:{}", i, i + 1)), cache));
                }
                assertTrue(maxAbsDiff(NDArrays.concat(parts, 1), reference) <= TOL, "with the cache, " + c);
            }
            // rows left-padded by 0, 2 and 4 positions that the mask hides, through both paths
            long[] positions = LongStream.range(0, 13).toArray();
            int[] pads = {0, 2, 4};
            AttentionLayout layout = AttentionLayout.of(manager, positions, 3, 13,
                    (r, q, k) -> k <= q && (k >= pads[r] || k == q));
            NDArray masked = model.forwardTokens(ids, null, layout);
            NDArray maskedReference = model.setFusedInference(false).forwardTokens(ids, null, layout);
            model.setFusedInference(true);
            assertTrue(maxAbsDiff(masked, maskedReference) <= TOL, "masked layout, " + c);
        }
    }

    @Test
    void parametersAreViewsOfTheFusedBuffers(@TempDir Path dir) {
        TransformerConfig c = new TransformerConfig(50, 32, 80, 2, 4, 2, 128, 10000, 1e-6);
        Transformer model = scaled(c, 43);
        NDArray ids = manager.create(new long[] {3, 1, 4, 1, 5, 9, 2, 6}, new Shape(1, 8));
        NDArray before = model.forwardTokens(ids, null);
        Map<String, Parameter> params = model.namedParameters();
        params.get("layers.0.self_attn.k_proj.weight").array().muli(3f); // in place, as an optimizer updates
        params.get("layers.1.mlp.up_proj.weight").array().muli(-0.5f);
        NDArray fused = model.forwardTokens(ids, null);
        NDArray unfused = model.setFusedInference(false).forwardTokens(ids, null);
        model.setFusedInference(true);
        assertTrue(maxAbsDiff(fused, unfused) <= TOL, "the fused buffers saw the in-place updates");
        assertTrue(maxAbsDiff(fused, before) > 1e-3f, "and the updates changed the output");

        // names and shapes on disk are the separate tensors of Hugging Face Llama
        Map<String, Shape> shapes = new LinkedHashMap<>();
        params.forEach((name, p) -> shapes.put(name, p.array().getShape()));
        assertEquals(new Shape(16, 32), shapes.get("layers.0.self_attn.k_proj.weight"));
        assertEquals(new Shape(80, 32), shapes.get("layers.1.mlp.gate_proj.weight"));
        Path file = dir.resolve("model.safetensors");
        model.save(file, DType.F32);
        Transformer loaded = new Transformer(c);
        loaded.load(file, manager);
        loaded.namedParameters().forEach((name, p) -> assertEquals(shapes.get(name), p.array().getShape(), name));
        assertEquals(0f, maxAbsDiff(loaded.forwardTokens(ids, null), fused), "a loaded copy computes the same");

        // loading other weights into a model replaces what its fused path reads
        Transformer other = scaled(c, 44);
        other.load(model.stateDict(), manager);
        assertEquals(0f, maxAbsDiff(other.forwardTokens(ids, null), fused), "loaded weights, fused path");
        assertTrue(Arrays.equals(params.keySet().toArray(), other.namedParameters().keySet().toArray()));
    }

    private Transformer scaled(TransformerConfig c, long seed) {
        Transformer model = new Transformer(c);
        model.initialize(manager, new Rng(seed));
        model.namedParameters().values().stream().filter(Parameter::decay).forEach(p -> p.array().muli(10f));
        return model;
    }
}
