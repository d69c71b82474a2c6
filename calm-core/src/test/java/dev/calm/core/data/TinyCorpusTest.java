/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The tiny corpora are seeded, small, of the stated form, and give a working tokenizer in well under a second. */
@CalmExperiment(seed = 3)
class TinyCorpusTest {

    /** Capitalised sentences of lower-case words, each ending with a full stop, separated by single spaces. */
    private static final Pattern SENTENCES = Pattern.compile("[A-Z][a-z]*( [a-z]+)*\\.( [A-Z][a-z]*( [a-z]+)*\\.)+");

    @Test
    void sentencesFollowTheGrammarAndDependOnlyOnTheSeed(Experiment experiment) {
        TinyCorpus corpus = experiment.sentences();
        assertEquals(80, corpus.documents().size());
        assertEquals(corpus.texts(), TinyCorpus.sentences(3).texts(), "the experiment's corpus is of its seed");
        assertNotEquals(corpus.texts(), TinyCorpus.sentences(4).texts());
        int chars = 0;
        for (Document d : corpus.documents()) {
            assertTrue(SENTENCES.matcher(d.text()).matches(), d.text());
            chars += d.text().length();
        }
        assertTrue(chars > 8_000 && chars < 20_000, chars + " characters");
        assertEquals("sentences-0079", corpus.documents().get(79).id());
    }

    @Test
    void countingDocumentsCountUpModTheModulus() {
        TinyCorpus corpus = TinyCorpus.counting(10, 5, 1);
        for (String text : corpus.texts()) {
            int[] numbers = Arrays.stream(text.split(" ")).mapToInt(Integer::parseInt).toArray();
            assertTrue(numbers.length >= 24 && numbers.length <= 48, text);
            for (int i = 1; i < numbers.length; i++) {
                assertEquals((numbers[i - 1] + 1) % 5, numbers[i], text);
            }
        }
        assertEquals(TinyCorpus.counting(10, 5, 1).texts(), corpus.texts());
    }

    @Test
    void aTokenizerIsTrainedAndEncodesEveryCountingNumberAsOneToken(Experiment experiment) {
        TinyCorpus corpus = experiment.counting();
        long start = System.nanoTime();
        Tokenizer tokenizer = experiment.tokenizer(corpus, 300);
        // recorded, not asserted: on a shared machine it took 11 s once (the project times nothing in unit tests)
        experiment.metrics().record("tokenizer_seconds", (System.nanoTime() - start) / 1e9);
        String text = corpus.texts().get(0);
        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        assertEquals(text.split(" ").length, tokenizer.encode(text).length, "one token per number: " + text);
        TokenBlocks blocks = corpus.blocks(tokenizer, 32, 4);
        assertTrue(blocks.numBlocks() >= 100, blocks.toString());
        experiment.metrics().record("vocab_size", tokenizer.vocabSize()).record("blocks", blocks.numBlocks());
        List<Document> validation = corpus.split(0.1, 1).validation();
        assertEquals(13, validation.size());
    }
}
