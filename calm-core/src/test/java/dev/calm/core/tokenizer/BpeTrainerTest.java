/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer alone (pure Java): hand-computed merges, the byte alphabet, the file format, determinism, errors. */
class BpeTrainerTest {

    @TempDir
    Path tmp;

    private static List<String> merges(TrainedBpe bpe) {
        return bpe.merges().stream().map(m -> m.left() + " " + m.right()).toList();
    }

    @Test
    void handComputedMergesOnAaabdaaabac() {
        // one word x5: a a a b d a a a b a c. Pair counts: (a,a)=4*5, (a,b)=2*5, the rest 1*5.
        // 1: (a,a)                      -> aa a b d aa a b a c ; then (aa,a)=(a,b)=10: tie, "a" < "aa"
        // 2: (a,b)                      -> aa ab d aa ab a c   ; (aa,ab)=10
        // 3: (aa,ab)                    -> aaab d aaab a c     ; all pairs 5: smallest left is "a"
        // 4: (a,c)                      -> aaab d aaab ac      ; left "aaab" twice, right "ac" < "d"
        // 5: (aaab,ac), 6: (aaab,d), 7: (aaabd,aaabac)         -> one token, no pair left
        List<String> corpus = Collections.nCopies(5, "aaabdaaabac");
        TrainedBpe four = BpeTrainer.train(corpus, BpeTrainer.BASE_VOCAB + 4);
        assertEquals(List.of("a a", "a b", "aa ab", "a c"), merges(four));
        assertEquals(261, four.vocabSize());
        assertEquals(List.of("aa", "ab", "aaab", "ac"), four.vocab().subList(257, 261));

        TrainedBpe all = BpeTrainer.train(corpus, 300);
        assertEquals(List.of("a a", "a b", "aa ab", "a c", "aaab ac", "aaab d", "aaabd aaabac"), merges(all));
        assertEquals(264, all.vocabSize(), "stops when no pair is left");
        assertEquals("aaabdaaabac", all.vocab().get(263));
    }

    @Test
    void minFrequencyStopsEarly() {
        // (a,a)=20, (a,b)=10, (aa,ab)=10, then every pair occurs 5 times
        TrainedBpe bpe = BpeTrainer.train(Collections.nCopies(5, "aaabdaaabac"), 300, 6);
        assertEquals(List.of("a a", "a b", "aa ab"), merges(bpe));
        assertEquals(260, bpe.vocabSize());
    }

    @Test
    void vocabularyInvariants() {
        RandomText gen = new RandomText(11, false);
        List<String> corpus = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add(gen.next(40));
        }
        TrainedBpe bpe = BpeTrainer.train(corpus, 900);
        assertEquals(900, bpe.vocabSize());
        assertEquals(bpe.vocabSize(), bpe.vocab().stream().distinct().count(), "token texts are unique");
        assertTrue(bpe.merges().size() >= 900 - BpeTrainer.BASE_VOCAB, "one merge per new token at least");
        java.util.Map<String, Integer> id = new java.util.HashMap<>();
        for (int i = 0; i < bpe.vocabSize(); i++) {
            id.put(bpe.vocab().get(i), i);
        }
        for (TrainedBpe.Merge m : bpe.merges()) {
            // both parts exist before the merged token's id
            assertTrue(id.get(m.left()) < id.get(m.merged()) && id.get(m.right()) < id.get(m.merged()), m.toString());
        }
    }

    @Test
    void byteAlphabetIsGpt2s() {
        assertEquals('!', ByteLevel.byteToChar('!'));
        assertEquals('\u0120', ByteLevel.byteToChar(' '), "space is Ġ");
        assertEquals('\u010A', ByteLevel.byteToChar('\n'), "newline is Ċ");
        assertEquals('\u0100', ByteLevel.byteToChar(0));
        assertEquals('\u0143', ByteLevel.byteToChar(0xAD), "soft hyphen byte is Ń");
        assertEquals("\u0120caf\u00C3\u00A9", ByteLevel.toByteChars(" café"), "é is bytes C3 A9");
    }

    @Test
    void gpt2SplitKnownCase() {
        assertEquals(List.of("Hello", " world", "'s", " ", " 123", "!!", "\n\n", " x", "  "),
                ByteLevel.split("Hello world's  123!!\n\n x  "));
        assertEquals(List.of("日本語", "\u3000", "é", " 😀"), ByteLevel.split("日本語\u3000é 😀"));
    }

    @Test
    void savedFileHasTheHuggingFaceLayout() throws Exception {
        TrainedBpe bpe = BpeTrainer.train(List.of("low lower lowest newer newest wider"), 280);
        Path file = tmp.resolve("sub/tokenizer.json");
        bpe.save(file);
        JsonNode root = Json.MAPPER.readTree(file.toFile());
        assertEquals("BPE", root.at("/model/type").asText());
        assertEquals("ByteLevel", root.at("/pre_tokenizer/type").asText());
        assertEquals(false, root.at("/pre_tokenizer/add_prefix_space").asBoolean());
        assertEquals(true, root.at("/pre_tokenizer/use_regex").asBoolean());
        assertEquals("ByteLevel", root.at("/decoder/type").asText());
        assertEquals(Tokenizer.END_OF_TEXT, root.at("/added_tokens/0/content").asText());
        assertEquals(0, root.at("/added_tokens/0/id").asInt());
        assertTrue(root.at("/added_tokens/0/special").asBoolean());
        JsonNode vocab = root.at("/model/vocab");
        assertEquals(bpe.vocabSize(), vocab.size());
        assertEquals(0, vocab.get(Tokenizer.END_OF_TEXT).asInt());
        assertEquals(1 + 'a', vocab.get("a").asInt());
        assertEquals(1 + ' ', vocab.get("\u0120").asInt());
        assertEquals(bpe.merges().size(), root.at("/model/merges").size());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void trainingTwiceGivesIdenticalFiles() throws Exception {
        RandomText gen = new RandomText(7, false);
        List<String> corpus = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            corpus.add(gen.next(30));
        }
        BpeTrainer.train(corpus, 700).save(tmp.resolve("a.json"));
        BpeTrainer.train(corpus, 700).save(tmp.resolve("b.json"));
        byte[] a = Files.readAllBytes(tmp.resolve("a.json"));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b.json")));
        assertEquals(700, Json.MAPPER.readTree(a).at("/model/vocab").size());
    }

    @Test
    void endOfTextInCorpusIsNeverLearnedAsBytes() {
        TrainedBpe bpe = BpeTrainer.train(Collections.nCopies(50, "ab<|endoftext|>ab"), 300);
        assertEquals(List.of("a b"), merges(bpe), "only 'ab' is a word; the separator contributes no pairs");
    }

    @Test
    void errorsAreOneLineCalmExceptions() {
        CalmException small = assertThrows(CalmException.class, () -> BpeTrainer.train(List.of("abc"), 257));
        assertTrue(small.getMessage().contains("vocabSize must be >= 258") && small.getMessage().contains("257"),
                small.getMessage());
        CalmException empty = assertThrows(CalmException.class, () -> BpeTrainer.train(List.of("", ""), 300));
        assertTrue(empty.getMessage().contains("no text"), empty.getMessage());
        assertThrows(CalmException.class, () -> BpeTrainer.train(List.of(), 300));
        assertThrows(CalmException.class, () -> BpeTrainer.train(List.of(Tokenizer.END_OF_TEXT), 300));
        CalmException freq = assertThrows(CalmException.class, () -> BpeTrainer.train(List.of("abc"), 300, 0));
        assertTrue(freq.getMessage().contains("minFrequency"), freq.getMessage());
    }
}
