/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.energy.EnergyFixtures.tinyBaseline;

import static dev.calm.core.TokenFixtures.randomTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.llama.KVCache;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.nn.Parameter;
import dev.calm.experiment.CalmExperiment;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token-level baseline: Hugging Face names, cross-entropy by hand, the untrained loss, the KV cache. */
@CalmExperiment
class TokenBaselineTest {

    static final int VOCAB = 50;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void parameterNamesAreLlamaForCausalLms() {
        Map<String, Parameter> names = new TokenBaseline(TransformerConfig.tiny(VOCAB)).namedParameters();
        assertEquals(new Shape(VOCAB, 64), names.get("model.embed_tokens.weight").shape());
        for (String n : new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
            "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
            assertTrue(names.containsKey("model.layers.0." + n + ".weight"), n);
            assertTrue(names.containsKey("model.layers.1." + n + ".weight"), n);
        }
        assertTrue(names.containsKey("model.layers.0.input_layernorm.weight"));
        assertTrue(names.containsKey("model.layers.0.post_attention_layernorm.weight"));
        assertEquals(new Shape(64), names.get("model.norm.weight").shape());
        assertEquals(new Shape(VOCAB, 64), names.get("lm_head.weight").shape(), "untied, [V, d]");
        assertFalse(names.containsKey("lm_head.bias"));
        // everything else belongs to the backbone: 2 + 9 * 2 + 1 model.* tensors and the head
        assertTrue(names.keySet().stream().allMatch(n -> n.startsWith("model.") || n.equals("lm_head.weight")));
        assertEquals(1 + 9 * 2 + 1 + 1, names.size());
    }

    @Test
    void trainingLossIsTheMeanNextTokenCrossEntropy() {
        TokenBaseline model = tinyBaseline(manager, VOCAB);
        // make the logits non-uniform so the check is not trivially ln V
        Map<String, NDArray> state = new java.util.LinkedHashMap<>(model.stateDict());
        state.put("lm_head.weight", new Rng(5).normal(manager, new Shape(VOCAB, 64), 0f, 0.5f));
        model.load(state, manager);
        NDArray tokens = randomTokens(manager, 2, 2, 9, VOCAB); // [2, 9]
        float loss = model.trainingLoss(tokens).getFloat();

        float[] logits = model.logits(tokens, null).toFloatArray(); // [2, 9, V]
        long[] ids = tokens.toLongArray();
        double sum = 0;
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 8; t++) { // position t predicts token t + 1
                int row = (b * 9 + t) * VOCAB;
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < VOCAB; v++) {
                    max = Math.max(max, logits[row + v]);
                }
                double z = 0;
                for (int v = 0; v < VOCAB; v++) {
                    z += Math.exp(logits[row + v] - max);
                }
                sum -= logits[row + (int) ids[b * 9 + t + 1]] - max - Math.log(z);
            }
        }
        double ce = sum / 16;
        assertTrue(Math.abs(ce - Math.log(VOCAB)) > 0.1, "non-trivial logits: ce " + ce);
        assertEquals(ce, loss, 1e-5 * ce);
    }

    @Test
    void anUntrainedModelsLossIsNearLnV() {
        // init std 0.02 gives logits of order 0.02 * |h| ~ 0.16: the softmax is nearly uniform
        float loss = tinyBaseline(manager, VOCAB).trainingLoss(randomTokens(manager, 3, 4, 32, VOCAB)).getFloat();
        assertEquals(Math.log(VOCAB), loss, 0.05);
    }

    @Test
    void cachedLogitsEqualTheFullPass() {
        TokenBaseline model = tinyBaseline(manager, VOCAB);
        NDArray tokens = randomTokens(manager, 4, 1, 12, VOCAB);
        NDArray full = model.logits(tokens, null); // [1, 12, V]
        NDList pieces = new NDList();
        try (KVCache cache = model.newCache(manager)) {
            pieces.add(model.logits(tokens.get(":, 0:5"), cache));
            for (int t = 5; t < 12; t++) {
                pieces.add(model.logits(tokens.get(":, " + t + ":" + (t + 1)), cache));
            }
            NDArray cached = NDArrays.concat(pieces, 1);
            assertTrue(cached.sub(full).abs().max().getFloat() <= 1e-5f);
        }
    }

    @Test
    void badShapesGetClearErrors() {
        TokenBaseline model = tinyBaseline(manager, VOCAB);
        CalmException e = assertThrows(CalmException.class,
                () -> model.trainingLoss(manager.zeros(new Shape(3, 1), DataType.INT64)));
        assertTrue(e.getMessage().contains("T >= 2") && e.getMessage().contains("(3, 1)"), e.getMessage());
        assertThrows(CalmException.class, () -> model.trainingLoss(manager.zeros(new Shape(6), DataType.INT64)));
    }
}
