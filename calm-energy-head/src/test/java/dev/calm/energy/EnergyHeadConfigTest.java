/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
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
}
