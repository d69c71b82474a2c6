/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import dev.calm.core.CalmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a GPT-2 style byte-level BPE tokenizer.
 *
 * <p>Each text is split on {@code <|endoftext|>} (which stays a single special token), pre-tokenized by the
 * GPT-2 regex ({@link ByteLevel}), and the distinct pieces are counted. Every piece starts as its UTF-8 bytes;
 * training then repeatedly merges the most frequent adjacent pair of tokens (ties: the pair whose token texts
 * come first lexicographically) until the vocabulary holds {@code vocabSize} ids: {@code <|endoftext|>} at 0,
 * the 256 bytes at {@code 1 + byte}, then one id per new merged token. A merge whose text already exists as a
 * token reuses its id (as Hugging Face's trainer does), so there can be more merges than new tokens. Training
 * stops early, with a warning, when no pair occurs {@code minFrequency} times any more. Same corpus and
 * options, same result, byte for byte.
 */
public final class BpeTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BpeTrainer.class);

    /** {@code <|endoftext|>} plus the 256 byte tokens. */
    public static final int BASE_VOCAB = 257;

    private static final Pattern END_OF_TEXT = Pattern.compile(Pattern.quote(Tokenizer.END_OF_TEXT));

    private BpeTrainer() {}

    /**
     * Trains with {@code minFrequency = 1} (any pair that still occurs may be merged).
     *
     * @param texts the corpus, one document per element
     * @param vocabSize the number of ids wanted, at least {@value #BASE_VOCAB} + 1
     * @return the vocabulary and merges
     */
    public static TrainedBpe train(Iterable<String> texts, int vocabSize) {
        return train(texts, vocabSize, 1);
    }

    /**
     * @param texts the corpus, one document per element
     * @param vocabSize the number of ids wanted, at least {@value #BASE_VOCAB} + 1
     * @param minFrequency the smallest pair count worth a merge, at least 1
     * @return the vocabulary and merges
     * @throws CalmException for a bad vocabSize or minFrequency, or a corpus with no text
     */
    public static TrainedBpe train(Iterable<String> texts, int vocabSize, int minFrequency) {
        if (vocabSize < BASE_VOCAB + 1) {
            throw new CalmException("vocabSize must be >= " + (BASE_VOCAB + 1) + " (" + Tokenizer.END_OF_TEXT
                    + " + 256 byte tokens + at least one merge), got " + vocabSize);
        }
        if (minFrequency < 1) {
            throw new CalmException("minFrequency must be >= 1, got " + minFrequency);
        }
        long start = System.nanoTime();
        Map<String, long[]> counts = countWords(texts);
        if (counts.isEmpty()) {
            throw new CalmException("the corpus has no text to train a tokenizer on (every document is empty)");
        }
        List<String> tokens = new ArrayList<>(vocabSize);
        tokens.add(Tokenizer.END_OF_TEXT);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevel.byteToChar(b)));
        }
        // words in lexicographic order, so that the state (and any log) does not depend on hashing
        TreeMap<String, long[]> sorted = new TreeMap<>(counts);
        int[][] words = new int[sorted.size()][];
        long[] freqs = new long[sorted.size()];
        long totalBytes = 0;
        int w = 0;
        for (Map.Entry<String, long[]> e : sorted.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = 1 + (bytes[i] & 0xFF);
            }
            words[w] = ids;
            freqs[w] = e.getValue()[0];
            totalBytes += bytes.length * freqs[w];
            w++;
        }
        long counted = System.nanoTime();
        LOG.info("BPE: {} distinct words, {} bytes counted in {} ms; learning up to {} tokens",
                words.length, totalBytes, (counted - start) / 1_000_000, vocabSize);

        PairMerger merger = new PairMerger(tokens, words, freqs);
        List<TrainedBpe.Merge> merges = new ArrayList<>();
        while (merger.vocabSize() < vocabSize) {
            TrainedBpe.Merge merge = merger.mergeBest(minFrequency);
            if (merge == null) {
                LOG.warn("BPE: no pair occurs {} or more times after {} merges; vocabulary stops at {} of {} ids",
                        minFrequency, merges.size(), merger.vocabSize(), vocabSize);
                break;
            }
            merges.add(merge);
            if (merges.size() % 1000 == 0) {
                LOG.info("BPE: {} merges, {} tokens, {} ms", merges.size(), merger.vocabSize(),
                        (System.nanoTime() - counted) / 1_000_000);
            }
        }
        LOG.info("BPE: {} merges, vocabulary {} ids, trained in {} ms", merges.size(), tokens.size(),
                (System.nanoTime() - start) / 1_000_000);
        return new TrainedBpe(tokens, merges);
    }

    /**
     * Trains, writes {@code tokenizer.json} atomically and loads it.
     *
     * @param texts the corpus, one document per element
     * @param vocabSize the number of ids wanted
     * @param tokenizerJson where to write the tokenizer
     * @return the loaded tokenizer; close it when done
     */
    public static HfTokenizer trainAndLoad(Iterable<String> texts, int vocabSize, Path tokenizerJson) {
        return train(texts, vocabSize).saveAndLoad(tokenizerJson);
    }

    /** Pre-tokenized pieces and their counts; {@code <|endoftext|>} separates text and is never a piece. */
    private static Map<String, long[]> countWords(Iterable<String> texts) {
        Map<String, long[]> counts = new HashMap<>();
        for (String text : texts) {
            if (text == null) {
                throw new CalmException("the corpus contains a null document");
            }
            for (String part : END_OF_TEXT.split(text, -1)) {
                ByteLevel.forEachPiece(part, piece -> counts.computeIfAbsent(piece, k -> new long[1])[0]++);
            }
        }
        return counts;
    }
}
