/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import java.util.Arrays;

/**
 * Adjacent token pairs for BPE training, in primitive arrays: an open-addressing hash from the pair
 * {@code (left << 32 | right)} to a dense pair index, and per index the pair, its count and the words it
 * occurs in (a growable list that may hold a word twice or a word the pair has left; readers check).
 */
final class PairTable {

    private static final long EMPTY = -1L;

    private long[] slots;
    private int[] slotIndex;
    private int size;
    private long[] keys = new long[1024];
    private long[] counts = new long[1024];
    private int[][] words = new int[1024][];
    private int[] wordCounts = new int[1024];

    PairTable() {
        slots = new long[4096];
        slotIndex = new int[4096];
        Arrays.fill(slots, EMPTY);
    }

    static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** @return the index of pair (left, right), created with count 0 and no words if new */
    int index(int left, int right) {
        long key = key(left, right);
        int mask = slots.length - 1;
        int s = hash(key) & mask;
        while (slots[s] != EMPTY) {
            if (slots[s] == key) {
                return slotIndex[s];
            }
            s = (s + 1) & mask;
        }
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            counts = Arrays.copyOf(counts, n);
            words = Arrays.copyOf(words, n);
            wordCounts = Arrays.copyOf(wordCounts, n);
        }
        int index = size++;
        keys[index] = key;
        slots[s] = key;
        slotIndex[s] = index;
        if (size * 2 > slots.length) {
            rehash();
        }
        return index;
    }

    int size() {
        return size;
    }

    int left(int index) {
        return (int) (keys[index] >>> 32);
    }

    int right(int index) {
        return (int) keys[index];
    }

    long count(int index) {
        return counts[index];
    }

    void add(int index, long delta) {
        counts[index] += delta;
    }

    /** Notes that word {@code w} contains the pair. */
    void addWord(int index, int w) {
        int[] list = words[index];
        if (list == null) {
            list = new int[4];
            words[index] = list;
        } else if (wordCounts[index] == list.length) {
            list = Arrays.copyOf(list, list.length * 2);
            words[index] = list;
        }
        list[wordCounts[index]++] = w;
    }

    /** @return the words noted for the pair (possibly with repeats and stale entries), which are then forgotten */
    int[] takeWords(int index) {
        int[] list = words[index] == null ? new int[0] : Arrays.copyOf(words[index], wordCounts[index]);
        words[index] = null;
        wordCounts[index] = 0;
        return list;
    }

    private void rehash() {
        long[] oldSlots = slots;
        int[] oldIndex = slotIndex;
        slots = new long[oldSlots.length * 2];
        slotIndex = new int[slots.length];
        Arrays.fill(slots, EMPTY);
        int mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != EMPTY) {
                int s = hash(oldSlots[i]) & mask;
                while (slots[s] != EMPTY) {
                    s = (s + 1) & mask;
                }
                slots[s] = oldSlots[i];
                slotIndex[s] = oldIndex[i];
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
