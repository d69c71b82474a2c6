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
}
