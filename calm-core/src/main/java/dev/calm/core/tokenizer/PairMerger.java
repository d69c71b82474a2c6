/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The state of BPE training: the distinct words as token-id sequences with their frequencies, the count of
 * every adjacent pair and the words it occurs in ({@link PairTable}), and a priority queue of pairs by count
 * with lazy invalidation: counts change in the table only; a pair whose count grew is queued again, and an
 * entry whose count is out of date is dropped or re-queued with the current count when it surfaces. Ties on
 * count go to the pair whose token texts come first lexicographically (left, then right), so training is a
 * function of the corpus alone.
 */
final class PairMerger {

    /** A queued pair with the count it had when queued. */
    private record Entry(long count, int pair) {}

    private final List<String> tokens;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[][] words;
    private final int[] lengths;
    private final long[] freqs;
    private final PairTable pairs = new PairTable();
    private final PriorityQueue<Entry> queue;
    private final int[] wordStamp;
    private int[] pairStamp = new int[0];
    private long[] countBefore = new long[0];
    private int stamp;

    /**
     * @param tokens the initial vocabulary by id (grown in place as merges add tokens)
     * @param words each distinct word as token ids (rewritten in place as merges apply)
     * @param freqs how often each word occurs
     */
    PairMerger(List<String> tokens, int[][] words, long[] freqs) {
        this.tokens = tokens;
        for (int id = 0; id < tokens.size(); id++) {
            ids.put(tokens.get(id), id);
        }
        this.words = words;
        this.freqs = freqs;
        this.lengths = new int[words.length];
        this.wordStamp = new int[words.length];
        Comparator<Entry> order = Comparator.comparingLong((Entry e) -> -e.count())
                .thenComparing(e -> tokens.get(pairs.left(e.pair())))
                .thenComparing(e -> tokens.get(pairs.right(e.pair())));
        this.queue = new PriorityQueue<>(order);
        for (int w = 0; w < words.length; w++) {
            lengths[w] = words[w].length;
            for (int i = 0; i + 1 < lengths[w]; i++) {
                int p = pairs.index(words[w][i], words[w][i + 1]);
                pairs.add(p, freqs[w]);
                pairs.addWord(p, w);
            }
        }
        for (int p = 0; p < pairs.size(); p++) {
            queue.add(new Entry(pairs.count(p), p));
        }
    }

    /** @return the number of tokens so far */
    int vocabSize() {
        return tokens.size();
    }

    /**
     * Merges the most frequent pair everywhere it occurs.
     *
     * @param minFrequency the smallest pair count worth merging
     * @return the merge done, or null when no pair occurs at least {@code minFrequency} times
     */
    TrainedBpe.Merge mergeBest(long minFrequency) {
        Entry best = pollBest();
        if (best == null || best.count() < minFrequency) {
            return null;
        }
        int left = pairs.left(best.pair());
        int right = pairs.right(best.pair());
        String mergedText = tokens.get(left) + tokens.get(right);
        Integer existing = ids.get(mergedText);
        int merged = existing != null ? existing : tokens.size();
        if (existing == null) {
            tokens.add(mergedText);
            ids.put(mergedText, merged);
        }
        stamp++;
        int[] touched = new int[64];
        int nTouched = 0;
        for (int w : pairs.takeWords(best.pair())) {
            if (wordStamp[w] == stamp || !contains(w, left, right)) {
                continue; // a repeat, or the pair has left this word since it was noted
            }
            wordStamp[w] = stamp;
            int[] word = words[w];
            long freq = freqs[w];
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) {
                    apply(w, left, right, merged);
                }
                for (int i = 0; i + 1 < lengths[w]; i++) {
                    int p = pairs.index(word[i], word[i + 1]);
                    if (p >= pairStamp.length) {
                        int n = Math.max(p + 1, pairStamp.length * 2);
                        pairStamp = Arrays.copyOf(pairStamp, n);
                        countBefore = Arrays.copyOf(countBefore, n);
                    }
                    if (pairStamp[p] != stamp) {
                        pairStamp[p] = stamp;
                        countBefore[p] = pairs.count(p);
                        if (nTouched == touched.length) {
                            touched = Arrays.copyOf(touched, nTouched * 2);
                        }
                        touched[nTouched++] = p;
                    }
                    pairs.add(p, pass == 0 ? -freq : freq);
                    if (pass == 1 && (word[i] == merged || word[i + 1] == merged)) {
                        pairs.addWord(p, w); // only pairs with the new token are new to this word
                    }
                }
            }
        }
        for (int t = 0; t < nTouched; t++) {
            int p = touched[t];
            if (pairs.count(p) > countBefore[p]) {
                queue.add(new Entry(pairs.count(p), p));
            }
        }
        return new TrainedBpe.Merge(tokens.get(left), tokens.get(right));
    }

    /** The queued pair with the highest current count, or null when none is left. */
    private Entry pollBest() {
        while (!queue.isEmpty()) {
            Entry top = queue.poll();
            long current = pairs.count(top.pair());
            if (current == top.count()) {
                return top;
            }
            if (current > 0 && current < top.count()) {
                // decreased since queued: re-queue at its true place (increases were queued when they happened)
                queue.add(new Entry(current, top.pair()));
            }
        }
        return null;
    }

    private boolean contains(int w, int left, int right) {
        int[] word = words[w];
        for (int i = 0; i + 1 < lengths[w]; i++) {
            if (word[i] == left && word[i + 1] == right) {
                return true;
            }
        }
        return false;
    }

    /** Replaces each non-overlapping (left, right), scanning left to right, by {@code merged}. */
    private void apply(int w, int left, int right, int merged) {
        int[] word = words[w];
        int n = lengths[w];
        int out = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && word[i] == left && word[i + 1] == right) {
                word[out++] = merged;
                i++;
            } else {
                word[out++] = word[i];
            }
        }
        lengths[w] = out;
    }
}
