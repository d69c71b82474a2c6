/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.OfficialFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tokenizer.json of the Llama-3 family (its split regex, byte-level BPE with ignore_merges, special tokens after
 * the BPE ids, no pad token), made by the fixture script since the real one cannot be downloaded here: loaded
 * through the same Hugging Face path, with {@code [PAD]} added as the reference adds it.
 */
class Llama3TokenizerTest {

    @Test
    void padIsAddedWithTheNextIdAsTheReferenceDoes() {
        Path dir = OfficialFixtures.path("tokenizer");
        try (HfTokenizer plain = HfTokenizer.load(dir); HfTokenizer padded = HfTokenizer.loadWithPadToken(dir)) {
            assertEquals(268, plain.vocabSize());
            assertEquals(269, padded.vocabSize());
            assertArrayEquals(new int[] {268}, padded.encode(HfTokenizer.PAD));
            assertEquals(265, padded.eosId()); // <|end_of_text|>
            String text = "the cat ran in the sun";
            int[] ids = padded.encode(text);
            assertArrayEquals(plain.encode(text), ids);
            assertEquals(text, padded.decode(ids));
            assertTrue(java.util.Arrays.stream(ids).allMatch(id -> id < 264), "no BOS: special tokens are not added");
        }
    }

    @Test
    void aDeclaredPadTokenIsKept(@TempDir Path tmp) throws IOException {
        Path dir = OfficialFixtures.copy("tokenizer", tmp.resolve("tok"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"pad_token\": \"<|reserved_special_token_0|>\"}");
        try (HfTokenizer padded = HfTokenizer.loadWithPadToken(dir)) {
            assertEquals(268, padded.vocabSize());
        }
    }
}
