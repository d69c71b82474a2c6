/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.calm.core.CalmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A BPE trained here, saved, and run by DJL's Hugging Face tokenizer: exact round trips on random Unicode,
 * the same ids as the plain reference encoder, no truncation, the end-of-text token, and loading errors.
 */
class HfTokenizerTest {

    private static final String SAMPLE = """
            The quick brown fox jumps over the lazy dog. It's 2026; we'll train 4096 tokens, won't we?
            Café, naïve, Ærøskøbing and Straße are spelled with accents. Numbers: 3.14159, 1,000,000 and 42.
            日本語の文章と中文字符也在这里。مرحبا بالعالم، هذا نص عربي. Привет, мир! λόγος καὶ ἔργον.
            Emoji 😀👍🏽👨‍👩‍👧 and flags 🇫🇷 sit beside tabs\tand   runs of spaces.
            """;

    @TempDir
    static Path dir;

    private static TrainedBpe bpe;
    private static HfTokenizer tok;
    private static ReferenceBpe reference;

    @BeforeAll
    static void train() {
        List<String> corpus = new ArrayList<>();
        RandomText gen = new RandomText(3, false);
        for (int i = 0; i < 40; i++) {
            corpus.add(SAMPLE);
            corpus.add(gen.next(30));
        }
        bpe = BpeTrainer.train(corpus, 800);
        tok = bpe.saveAndLoad(dir.resolve("tokenizer.json"));
        reference = new ReferenceBpe(bpe);
    }

    @AfterAll
    static void close() {
        if (tok != null) {
            tok.close();
        }
    }

    @Test
    void sizesAndEndOfText() {
        assertEquals(800, bpe.vocabSize());
        assertEquals(800, tok.vocabSize());
        assertEquals(0, tok.eosId());
        assertArrayEquals(new int[] {0}, tok.encode(Tokenizer.END_OF_TEXT));
        int[] ids = tok.encode("ab" + Tokenizer.END_OF_TEXT + "cd");
        assertEquals(1, Arrays.stream(ids).filter(id -> id == 0).count(), Arrays.toString(ids));
        assertEquals("ab" + Tokenizer.END_OF_TEXT + "cd", tok.decode(ids));
        assertArrayEquals(new int[0], tok.encode(""));
        assertEquals("", tok.decode(new int[0]));
        // 'Q' never occurs in the training text, so "QQQ" is three byte tokens, id 1 + 'Q' = 82 each
        assertArrayEquals(new int[] {82, 82, 82}, tok.encode("QQQ"));
        assertEquals("QQQ", tok.decode(new int[] {82, 82, 82}));
    }

    @Test
    void roundTripOnRandomUnicode() {
        RandomText gen = new RandomText(2026, true);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String s = gen.next(40);
            int[] ids = tok.encode(s);
            assertEquals(s, tok.decode(ids), "round trip of string " + i);
            for (int id : ids) {
                assertTrue(id >= 0 && id < tok.vocabSize(), "id " + id);
            }
            if (i % 10 == 0) {
                batch.add(s);
            }
        }
        int[][] batched = tok.encodeBatch(batch);
        for (int i = 0; i < batch.size(); i++) {
            assertArrayEquals(tok.encode(batch.get(i)), batched[i], "batch " + i);
        }
    }

    @Test
    void djlIdsEqualTheReferenceEncoder() {
        List<String> texts = new ArrayList<>(List.of(SAMPLE, "Hello world's  123!!\n\n x  ", " leading space",
                "trailing spaces   ", "\n\n\n", "don't STOP'S it'll", "e\u0301 vs \u00E9",
                "x<|endoftext|><|endoftext|>y", "<|endoftext", "tabs\t\tand\u00A0nbsp\u3000ideographic"));
        RandomText gen = new RandomText(99, false);
        for (int i = 0; i < 1000; i++) {
            texts.add(gen.next(40));
        }
        for (String text : texts) {
            assertArrayEquals(reference.encode(text), tok.encode(text), text);
        }
    }

    @Test
    void longTextIsNeitherTruncatedNorPadded() throws Exception {
        RandomText gen = new RandomText(5, false);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 150_000) {
            sb.append(gen.next(40)).append(SAMPLE);
        }
        String text = sb.toString();
        int[] ids = tok.encode(text);
        assertTrue(ids.length > 20_000, "ids " + ids.length);
        assertArrayEquals(reference.encode(text), ids);
        assertEquals(text, tok.decode(ids));
        assertArrayEquals(ids, tok.encodeBatch(List.of(text, "short"))[0]);
        // what the options prevent: DJL's defaults truncate to 512 ids
        try (HuggingFaceTokenizer defaults = HuggingFaceTokenizer.newInstance(tok.file())) {
            assertEquals(512, defaults.encode(text).getIds().length);
        }
    }

    @Test
    void loadsFromDirectoryAndDescribes() {
        try (HfTokenizer again = HfTokenizer.load(dir)) {
            assertArrayEquals(tok.encode(SAMPLE), again.encode(SAMPLE));
            assertTrue(again.describe().contains("vocabSize=800"), again.describe());
        }
    }

    @Test
    void handWrittenWordLevelFile() throws Exception {
        String json = """
                {"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,
                 "pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
                 "model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"world":2%s},"unk_token":"[UNK]"}}
                """;
        Path none = dir.resolve("wordlevel.json");
        Files.writeString(none, json.formatted(""), StandardCharsets.UTF_8);
        try (HfTokenizer t = HfTokenizer.load(none)) {
            assertEquals(3, t.vocabSize());
            assertArrayEquals(new int[] {1, 2, 0}, t.encode("hello world what"));
            CalmException e = assertThrows(CalmException.class, t::eosId);
            assertTrue(e.getMessage().contains(none.toString()) && e.getMessage().contains("end-of-text"),
                    e.getMessage());
        }
        Path withEos = dir.resolve("wordlevel-eos.json");
        Files.writeString(withEos, json.formatted(",\"</s>\":3"), StandardCharsets.UTF_8);
        try (HfTokenizer t = HfTokenizer.load(withEos)) {
            assertEquals(4, t.vocabSize());
            assertEquals(3, t.eosId());
        }
    }

    @Test
    void loadingErrorsNameThePath() throws Exception {
        Path missing = dir.resolve("nope/tokenizer.json");
        assertMessage(missing, "not found");
        Path emptyDir = Files.createDirectories(dir.resolve("empty"));
        assertMessage(emptyDir.resolve("tokenizer.json"), "not found", emptyDir);
        Path malformed = dir.resolve("malformed.json");
        Files.writeString(malformed, "{\"model\": {", StandardCharsets.UTF_8);
        assertMessage(malformed, "malformed JSON");
        Path notTokenizer = dir.resolve("config.json");
        Files.writeString(notTokenizer, "{\"hidden_size\": 4}", StandardCharsets.UTF_8);
        assertMessage(notTokenizer, "not a Hugging Face tokenizer.json");
        Path badModel = dir.resolve("bad-model.json");
        Files.writeString(badModel, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}",
                StandardCharsets.UTF_8);
        assertMessage(badModel, "invalid tokenizer file");
    }

    private static void assertMessage(Path file, String what) {
        assertMessage(file, what, file);
    }

    private static void assertMessage(Path file, String what, Path loadFrom) {
        CalmException e = assertThrows(CalmException.class, () -> HfTokenizer.load(loadFrom).close());
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
    }
}
