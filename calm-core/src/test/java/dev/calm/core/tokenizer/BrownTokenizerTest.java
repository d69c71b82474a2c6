/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vocabulary 4096 learned from the Brown corpus ({@code ../shared/data/brown.jsonl}, 500 documents, ~6 MB):
 * training time, exact round trip of every document, agreement with the reference encoder, bytes per token on
 * Brown and on WikiText-103 test. Skipped when the corpus is absent.
 */
class BrownTokenizerTest {

    private static final Logger LOG = LoggerFactory.getLogger(BrownTokenizerTest.class);

    @TempDir
    Path tmp;

    @Test
    void vocab4096OnBrown() {
        List<String> brown = SharedData.texts("brown.jsonl");
        assertEquals(500, brown.size());

        long t0 = System.nanoTime();
        TrainedBpe bpe = BpeTrainer.train(brown, 4096);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(4096, bpe.vocabSize());
        // its time is logged below, not asserted (a shared machine makes any bound flaky): scripts/benchmarks/tokenizer.sh

        try (HfTokenizer tok = bpe.saveAndLoad(tmp.resolve("tokenizer.json"))) {
            assertEquals(4096, tok.vocabSize());
            assertEquals(0, tok.eosId());

            long t1 = System.nanoTime();
            int[][] batch = tok.encodeBatch(brown);
            double batchSeconds = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            long sampled = 0;
            int[][] single = new int[brown.size()][];
            for (int i = 0; i < brown.size(); i += 5) {
                single[i] = tok.encode(brown.get(i));
                sampled += brown.get(i).getBytes(StandardCharsets.UTF_8).length;
            }
            double singleMBps = sampled / 1e6 / ((System.nanoTime() - t2) / 1e9);

            ReferenceBpe reference = new ReferenceBpe(bpe);
            long bytes = 0;
            long tokens = 0;
            for (int i = 0; i < brown.size(); i++) {
                if (single[i] != null) {
                    assertArrayEquals(single[i], batch[i], "batch and single encodings agree, document " + i);
                }
                assertEquals(brown.get(i), tok.decode(batch[i]), "round trip of document " + i);
                if (i % 10 == 0) {
                    assertArrayEquals(reference.encode(brown.get(i)), batch[i], "reference encoding, document " + i);
                }
                bytes += brown.get(i).getBytes(StandardCharsets.UTF_8).length;
                tokens += batch[i].length;
            }
            double brownBpt = (double) bytes / tokens;
            LOG.info("Brown: trained vocab 4096 in {} s; {} bytes -> {} tokens = {} bytes/token; "
                    + "encodeBatch {} s for all; encode one by one {} MB/s",
                    String.format("%.2f", trainSeconds), bytes, tokens, String.format("%.3f", brownBpt),
                    String.format("%.2f", batchSeconds), String.format("%.2f", singleMBps));
            // a 4096-token byte-level BPE on English prose: about 4 bytes per token
            assertTrue(brownBpt > 3.0 && brownBpt < 5.5, "Brown bytes/token " + brownBpt);

            List<String> wiki = SharedData.texts("wikitext103-test.jsonl");
            long wikiBytes = 0;
            long wikiTokens = 0;
            int[][] wikiIds = tok.encodeBatch(wiki);
            for (int i = 0; i < wiki.size(); i++) {
                assertEquals(wiki.get(i), tok.decode(wikiIds[i]), "round trip of WikiText document " + i);
                wikiBytes += wiki.get(i).getBytes(StandardCharsets.UTF_8).length;
                wikiTokens += wikiIds[i].length;
            }
            double wikiBpt = (double) wikiBytes / wikiTokens;
            LOG.info("WikiText-103 test with the Brown tokenizer: {} bytes -> {} tokens = {} bytes/token",
                    wikiBytes, wikiTokens, String.format("%.3f", wikiBpt));
            assertTrue(wikiBpt > 2.5 && wikiBpt < brownBpt, "WikiText bytes/token " + wikiBpt
                    + " should be below Brown's own " + brownBpt);
        }
    }
}
