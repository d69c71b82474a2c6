/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import dev.calm.core.CalmException;
import java.nio.IntBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How often whole chunks of K tokens recur: the statistic that bounds Brier-K at a chunk boundary, where a CALM is
 * right only when its one vector decodes to all K tokens of the text. A report of the training split's chunks
 * (K-aligned, as the autoencoder cuts them) against the held-out blocks' chunks (every chunk boundary, as
 * {@link BrierEvaluator} scores CALM):
 *
 * <ul>
 *   <li>{@code seen_share}: the share of held-out chunks that occur anywhere in training;
 *   <li>{@code top_coverage}: the share of held-out chunks among the n most frequent training chunks;
 *   <li>{@code context_free_brier}: the exact Brier-K of the context-free chunk sampler, which draws whole chunks
 *       from their training frequencies q: the mean over held-out chunks y of 2 q(y) - sum_c q(c)^2. It is to
 *       Brier-K what the unigram sampler is to Brier-1: what a model that knows which chunks are frequent, and
 *       nothing about the context, scores.
 * </ul>
 *
 * @param k tokens per chunk
 * @param trainChunks K-aligned chunks of the training stream
 * @param distinctTrainChunks how many of them differ
 * @param heldOutChunks chunks at the held-out blocks' chunk boundaries
 * @param seenShare the share of held-out chunks that occur in training
 * @param topCoverage for n in {@link #TOP}, the share of held-out chunks among the n most frequent training chunks
 *     (ties in frequency broken by the ids in lexicographic order)
 * @param contextFreeBrier the context-free chunk sampler's exact Brier-K on the held-out chunks
 */
public record ChunkStatistics(int k, long trainChunks, long distinctTrainChunks, long heldOutChunks, double seenShare,
        SortedMap<Integer, Double> topCoverage, double contextFreeBrier) {

    /** The n of {@link #topCoverage}. */
    public static final int[] TOP = {64, 256, 1024, 4096, 16_384};

    /**
     * @param k tokens per chunk, at least 1
     * @param trainChunks at least 1
     * @param distinctTrainChunks in [1, trainChunks]
     * @param heldOutChunks at least 1
     * @param seenShare in [0, 1]
     * @param topCoverage shares in [0, 1]
     * @param contextFreeBrier finite
     * @throws CalmException naming the first invalid field
     */
    public ChunkStatistics {
        if (k < 1 || trainChunks < 1 || distinctTrainChunks < 1 || distinctTrainChunks > trainChunks
                || heldOutChunks < 1 || !(seenShare >= 0 && seenShare <= 1) || !Double.isFinite(contextFreeBrier)) {
            throw new CalmException("chunk statistics need k, train and held-out chunks >= 1, distinct <= train and "
                    + "a seen share in [0, 1], got k " + k + ", " + trainChunks + " train, " + distinctTrainChunks
                    + " distinct, " + heldOutChunks + " held-out, seen " + seenShare);
        }
        topCoverage = Collections.unmodifiableSortedMap(new TreeMap<>(topCoverage));
    }

    /**
     * Counts the training stream's K-aligned chunks and scores the held-out blocks' chunks against them.
     *
     * @param train the training token stream (documents joined by end-of-text); a tail shorter than K is dropped
     * @param heldOut held-out blocks; each is cut into chunks from its start, a tail shorter than K dropped
     * @param k tokens per chunk
     * @return the report
     * @throws CalmException if k &lt; 1 or either side has no whole chunk
     */
    public static ChunkStatistics measure(IntBuffer train, int[][] heldOut, int k) {
        if (k < 1) {
            throw new CalmException("chunk statistics need K >= 1, got " + k);
        }
        Map<IntBuffer, Integer> counts = count(train, k);
        long trainChunks = train.remaining() / k;
        double collision = 0; // sum_c q(c)^2
        for (int count : counts.values()) {
            collision += Math.pow(count / (double) trainChunks, 2);
        }
        Map<IntBuffer, Integer> rank = new HashMap<>(); // 0 = the most frequent
        for (IntBuffer chunk : byFrequency(counts)) {
            rank.put(chunk, rank.size());
        }
        long heldOutChunks = 0;
        long seen = 0;
        long[] inTop = new long[TOP.length];
        double accuracy = 0; // sum over held-out chunks of q(y)
        for (int[] block : heldOut) {
            for (int start = 0; start + k <= block.length; start += k) {
                IntBuffer chunk = IntBuffer.wrap(block, start, k).slice();
                heldOutChunks++;
                accuracy += counts.getOrDefault(chunk, 0) / (double) trainChunks;
                Integer r = rank.get(chunk);
                if (r != null) {
                    seen++;
                    for (int t = 0; t < TOP.length; t++) {
                        inTop[t] += r < TOP[t] ? 1 : 0;
                    }
                }
            }
        }
        if (heldOutChunks == 0) {
            throw new CalmException("the held-out blocks have no whole chunk of " + k + " tokens");
        }
        SortedMap<Integer, Double> top = new TreeMap<>();
        for (int t = 0; t < TOP.length; t++) {
            top.put(TOP[t], inTop[t] / (double) heldOutChunks);
        }
        return new ChunkStatistics(k, trainChunks, counts.size(), heldOutChunks, seen / (double) heldOutChunks, top,
                2 * accuracy / heldOutChunks - collision);
    }

    /**
     * The training stream's most frequent K-aligned chunks, for example to anchor a mixture head's components on.
     *
     * @param train the training token stream
     * @param k tokens per chunk
     * @param n how many chunks
     * @return up to n chunks, the most frequent first (ties broken by the ids, in lexicographic order)
     * @throws CalmException if k or n &lt; 1 or the stream has no whole chunk
     */
    public static int[][] mostFrequent(IntBuffer train, int k, int n) {
        if (k < 1 || n < 1) {
            throw new CalmException("the most frequent chunks need K >= 1 and n >= 1, got K " + k + " and n " + n);
        }
        return byFrequency(count(train, k)).stream().limit(n).map(IntBuffer::array).toArray(int[][]::new);
    }

    /**
     * Counts of the stream's K-aligned chunks (a tail shorter than K dropped), keyed by IntBuffers of their ids:
     * an IntBuffer's equals, hashCode and compareTo read its remaining ids, so chunks compare by value.
     */
    private static Map<IntBuffer, Integer> count(IntBuffer train, int k) {
        Map<IntBuffer, Integer> counts = new HashMap<>();
        IntBuffer stream = train.duplicate();
        while (stream.remaining() >= k) {
            int[] ids = new int[k];
            stream.get(ids);
            counts.merge(IntBuffer.wrap(ids), 1, Integer::sum);
        }
        if (counts.isEmpty()) {
            throw new CalmException("the training stream has no whole chunk of " + k + " tokens");
        }
        return counts;
    }

    /** The counted chunks, the most frequent first, ties broken by the ids in lexicographic order. */
    private static List<IntBuffer> byFrequency(Map<IntBuffer, Integer> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<IntBuffer, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
    }

    /** @return the report as JSON-ready fields, snake_case */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("train_chunks", trainChunks);
        m.put("distinct_train_chunks", distinctTrainChunks);
        m.put("held_out_chunks", heldOutChunks);
        m.put("seen_share", seenShare);
        topCoverage.forEach((n, share) -> m.put("top_" + n + "_coverage", share));
        m.put("context_free_brier", contextFreeBrier);
        return m;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT,
                "chunks of %d tokens: %,d in training (%,d distinct); of %,d held-out chunks %.2f%% occur in training",
                k, trainChunks, distinctTrainChunks, heldOutChunks, 100 * seenShare));
        topCoverage.forEach((n, share) -> s.append(String.format(java.util.Locale.ROOT, ", %.2f%% among the top %,d",
                100 * share, n)));
        return s.append(String.format(java.util.Locale.ROOT, "; context-free chunk sampler Brier-%d %.3g", k,
                contextFreeBrier)).toString();
    }
}
