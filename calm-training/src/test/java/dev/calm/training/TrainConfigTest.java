/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.DType;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void defaultsAreThePapersOptimiser() {
        TrainConfig c = TrainConfig.defaults(50_000);
        assertEquals(3e-4, c.learningRate());
        assertEquals(2000, c.warmupSteps());
        assertEquals(0.9, c.beta1());
        assertEquals(0.95, c.beta2());
        assertEquals(0.1, c.weightDecay());
        assertEquals(1.0, c.maxGradNorm());
        assertEquals(10, c.maxBadSteps());
        assertNull(c.maxMinutes());
        assertEquals(10, TrainConfig.defaults(100).warmupSteps(), "warm-up is capped at a tenth of a short run");
        assertEquals(3e-4, c.schedule().at(2000));
    }

    @Test
    void roundTripsThroughSnakeCaseJson() {
        TrainConfig c = TrainConfig.defaults(100).toBuilder().maxMinutes(2.5).checkpointFormat(DType.BF16).build();
        String json = Json.toJson(c);
        assertTrue(json.contains("\"grad_accumulation\" : 1"), json);
        assertTrue(json.contains("\"max_minutes\" : 2.5"), json);
        assertTrue(json.contains("\"lr_shape\" : \"CONSTANT\""), json);
        assertEquals(c, Json.parse(json, TrainConfig.class, "test"));
    }

    private static String message(TrainConfig.Builder b) {
        return assertThrows(CalmException.class, b::build).getMessage();
    }

    @Test
    void validationNamesTheField() {
        TrainConfig.Builder b = TrainConfig.defaults(100).toBuilder();
        assertEquals("max_steps must be > 0, got 0", message(TrainConfig.defaults(100).toBuilder().maxSteps(0)));
        assertEquals("grad_accumulation must be > 0, got 0", message(b.gradAccumulation(0)));
        b = TrainConfig.defaults(100).toBuilder();
        assertEquals("beta2 must be in [0, 1), got 1.0", message(b.betas(0.9, 1.0)));
        b = TrainConfig.defaults(100).toBuilder();
        assertEquals("max_grad_norm must be >= 0 (0 turns clipping off), got -1.0", message(b.maxGradNorm(-1)));
        b = TrainConfig.defaults(100).toBuilder();
        assertEquals("checkpoint_format must be F32, BF16 or F16, got I64", message(b.checkpointFormat(DType.I64)));
        b = TrainConfig.defaults(100).toBuilder();
        assertEquals("max_minutes must be a finite number > 0 or null, got 0.0", message(b.maxMinutes(0.0)));
        b = TrainConfig.defaults(100).toBuilder();
        assertEquals("warmup_steps (100) must be < total_steps (100) for a cosine schedule",
                message(b.lrShape(LearningRateSchedule.Shape.COSINE).warmupSteps(100)));
        b = TrainConfig.defaults(100).toBuilder();
        assertEquals("keep_checkpoints must be > 0, got 0", message(b.keepCheckpoints(0)));
    }

    @Test
    void aResumedRunNamesTheSettingsThatChanged() {
        TrainConfig saved = TrainConfig.defaults(100);
        TrainConfig now = saved.toBuilder().maxSteps(200).resume(true).build();
        assertEquals(java.util.List.of("max_steps 100 -> 200", "resume false -> true"),
                Trainer.changedFields(saved, now));
        assertTrue(Trainer.changedFields(saved, saved).isEmpty());
    }

    @Test
    void unknownAndMissingJsonFieldsAreNamed() {
        String json = Json.toJson(TrainConfig.defaults(100));
        CalmException unknown = assertThrows(CalmException.class,
                () -> Json.parse(json.replace("\"log_every\"", "\"log_evry\""), TrainConfig.class, "run.json"));
        assertTrue(unknown.getMessage().startsWith("unknown field 'log_evry' in run.json"), unknown.getMessage());
        CalmException missing = assertThrows(CalmException.class,
                () -> Json.parse("{\"seed\": 1}", TrainConfig.class, "run.json"));
        assertTrue(missing.getMessage().startsWith("missing fields "), missing.getMessage());
    }
}
