/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.llama.TransformerConfig;
import org.junit.jupiter.api.Test;

class EnergyHeadConfigTest {

    @Test
    void paperDefaultsRoundTrip() {
        EnergyHeadConfig c = EnergyHeadConfig.paper();
        assertEquals(c, Json.parse(Json.toJson(c), EnergyHeadConfig.class, "head.json"));
        assertTrue(Json.toJson(c).contains("\"num_mlp_layers\" : 4"));
    }

    @Test
    void betaOutsideTheStrictlyProperRangeIsRejected() {
        // beta = 2 gives a proper but not strictly proper score: the paper's ablation collapses to BrierLM 0
        CalmException e = assertThrows(CalmException.class, () -> new EnergyHeadConfig(64, 4, 8, 100, 2.0));
        assertTrue(e.getMessage().contains("beta must be in (0, 2)"), e.getMessage());
        e = assertThrows(CalmException.class, () -> new EnergyHeadConfig(64, 4, 1, 100, 1.0));
        assertTrue(e.getMessage().contains("num_samples must be >= 2"), e.getMessage());
    }

    @Test
    void aDeeperHeadKeepsEveryOtherFieldAndIsValidated() {
        CalmConfig small = CalmConfig.small(100);
        CalmConfig deeper = small.withHead(small.head().withNumMlpLayers(3));
        assertEquals(new EnergyHeadConfig(64, 3, 8, 100, 1.0), deeper.head());
        assertEquals(small.backbone(), deeper.backbone());
        assertEquals(small.patchSize(), deeper.patchSize());
        assertEquals(small.latentSize(), deeper.latentSize());
        CalmException e = assertThrows(CalmException.class, () -> small.head().withNumMlpLayers(0));
        assertTrue(e.getMessage().contains("num_mlp_layers"), e.getMessage());
    }

    @Test
    void namedChangesReplaceOneFieldEachAndAreValidated() {
        EnergyHeadConfig head = EnergyHeadConfig.paper().withNoiseSize(16).withBeta(0.5);
        assertEquals(new EnergyHeadConfig(16, 4, 8, 100, 0.5), head);
        assertThrows(CalmException.class, () -> head.withBeta(2.0));

        // CALM-L's backbone by name, from CALM-M's: the builder keeps every field it is not told to change
        TransformerConfig m = TransformerConfig.calmM(100);
        TransformerConfig l = m.toBuilder().hiddenSize(1536).intermediateSize(4096).numAttentionHeads(12)
                .numKeyValueHeads(12).build();
        assertEquals(new TransformerConfig(100, 1536, 4096, 16, 12, 12, 2048, 10000, 1e-6), l);
        assertEquals(m, m.toBuilder().build());
        assertEquals(new TransformerConfig(7, 1024, 2752, 16, 16, 16, 2048, 10000, 1e-6), m.withVocabSize(7));
        CalmException e = assertThrows(CalmException.class, () -> m.toBuilder().numAttentionHeads(5).build());
        assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
        CalmConfig calmL = CalmConfig.calmM(100).withBackbone(l);
        assertEquals(l, calmL.backbone());
        assertEquals(CalmConfig.calmM(100).head(), calmL.head());
        assertEquals(CalmConfig.calmM(100).withBackbone(m), CalmConfig.calmM(100));
    }
}
