/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmupThenConstantAsInThePaper() {
        LearningRateSchedule s = new LearningRateSchedule(3e-4, 2000, 100_000, LearningRateSchedule.Shape.CONSTANT);
        assertEquals(0, s.at(0), 0);
        assertEquals(1.5e-4, s.at(1000), 1e-12);
        assertEquals(3e-4, s.at(2000), 0);
        assertEquals(3e-4, s.at(99_999), 0);
    }

    @Test
    void warmupThenHalfCosine() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110, LearningRateSchedule.Shape.COSINE);
        assertEquals(5e-4, s.at(5), 1e-15);
        assertEquals(1e-3, s.at(10), 1e-15);
        // halfway through the decay: 0.5 * (1 + cos(pi / 2)) = 0.5
        assertEquals(5e-4, s.at(60), 1e-15);
        // a quarter: 0.5 * (1 + cos(pi / 4)) = 0.8535534
        assertEquals(1e-3 * 0.5 * (1 + Math.sqrt(0.5)), s.at(35), 1e-15);
        assertEquals(0, s.at(110), 1e-15);
        assertEquals(0, s.at(500), 1e-15);
    }

    @Test
    void readsJsonAndRejectsImpossibleValues() {
        String json = "{\"learning_rate\": 3e-4, \"warmup_steps\": 5, \"total_steps\": 50, \"shape\": \"COSINE\"}";
        assertEquals(new LearningRateSchedule(3e-4, 5, 50, LearningRateSchedule.Shape.COSINE),
                Json.parse(json, LearningRateSchedule.class, "lr.json"));
        CalmException e = assertThrows(CalmException.class, () -> new LearningRateSchedule(3e-4, 50, 50,
                LearningRateSchedule.Shape.COSINE));
        assertTrue(e.getMessage().contains("warmup_steps (50) must be < total_steps (50)"), e.getMessage());
        e = assertThrows(CalmException.class, () -> Json.parse(json.replace("COSINE", "LINEAR"),
                LearningRateSchedule.class, "lr.json"));
        assertTrue(e.getMessage().contains("LINEAR"), e.getMessage());
    }
}
