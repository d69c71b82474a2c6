/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.llama.TransformerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configs read and write Hugging Face-style JSON and reject impossible values with one clear line. */
class ConfigJsonTest {

    private static final String GOOD = "{\"vocab_size\": 32, \"hidden_size\": 16, \"intermediate_size\": 40,"
            + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2,"
            + " \"max_position_embeddings\": 64, \"rope_theta\": 10000.0, \"rms_norm_eps\": 1e-6}";

    private static String message(String json) {
        return assertThrows(CalmException.class, () -> Json.parse(json, TransformerConfig.class, "test.json")).getMessage();
    }

    @Test
    void roundTripsThroughJsonFilesWithHuggingFaceNames(@TempDir Path dir) throws Exception {
        TransformerConfig c = Json.parse(GOOD, TransformerConfig.class, "test.json");
        assertEquals(new TransformerConfig(32, 16, 40, 2, 4, 2, 64, 10000, 1e-6), c);
        assertEquals(4, c.headDim());
        Path file = dir.resolve("config.json");
        Json.write(file, TransformerConfig.calmM(32000));
        assertTrue(Files.readString(file).contains("\"num_hidden_layers\" : 16"));
        assertEquals(TransformerConfig.calmM(32000), Json.read(file, TransformerConfig.class));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void impossibleValuesNameTheField() {
        assertTrue(message(GOOD.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 3"))
                .contains("hidden_size (16) must be divisible by num_attention_heads (3)"));
        assertTrue(message(GOOD.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"))
                .contains("num_attention_heads (4) must be divisible by num_key_value_heads (3)"));
        assertTrue(message(GOOD.replace("\"vocab_size\": 32", "\"vocab_size\": 0")).contains("vocab_size must be > 0"));
        assertTrue(message(GOOD.replace("\"rms_norm_eps\": 1e-6", "\"rms_norm_eps\": -1")).contains("rms_norm_eps"));
        // hidden 12 / 4 heads = head size 3: odd, so RoPE cannot pair it
        assertTrue(message(GOOD.replace("\"hidden_size\": 16", "\"hidden_size\": 12")).contains("must be even"));
    }

    @Test
    void unknownMissingAndMalformedFieldsAreClearErrors() {
        String unknown = message(GOOD.replace("\"vocab_size\"", "\"vocab_sise\""));
        assertTrue(unknown.contains("unknown field 'vocab_sise' in test.json"), unknown);
        assertTrue(unknown.contains("vocab_size"), "lists the known fields: " + unknown);
        String missing = message(GOOD.replace("\"rope_theta\": 10000.0,", ""));
        assertEquals("missing field rope_theta in test.json", missing);
        assertTrue(message("{\"vocab_size\": ").startsWith("malformed JSON in test.json"));
        assertTrue(message(GOOD.replace("32", "\"many\"")).contains("vocab_size"));
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path nowhere = dir.resolve("nope.json");
        CalmException e = assertThrows(CalmException.class, () -> Json.read(nowhere, TransformerConfig.class));
        assertEquals("file not found: " + nowhere, e.getMessage());
    }
}
