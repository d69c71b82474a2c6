/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training.data;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;

/**
 * A seeded pseudo-random permutation of {@code [0, n)} computed one index at a time, with no table: a balanced
 * Feistel network on the smallest even number of bits that covers {@code n}, with cycle-walking (an output
 * {@code >= n} is permuted again until it falls in range; the network's domain is less than {@code 4n}, so this
 * takes under 4 rounds on average). A Feistel network is a bijection whatever its round function, so every index
 * appears exactly once; the round function is SplitMix64's finaliser keyed per round. This is what lets a shuffle
 * of billions of blocks cost nothing in memory, unlike a Fisher-Yates table of one int per block.
 */
public final class BlockPermutation {

    private static final int ROUNDS = 6;

    private final long n;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    /**
     * @param n the size of the domain, &gt;= 1
     * @param rng the source of the round keys (draws {@value #ROUNDS} values)
     */
    public BlockPermutation(long n, Rng rng) {
        if (n < 1) {
            throw new CalmException("a permutation needs at least 1 element, got " + n);
        }
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        for (int r = 0; r < ROUNDS; r++) {
            keys[r] = rng.nextLong();
        }
    }

    /** @return the size of the domain */
    public long size() {
        return n;
    }

    /**
     * @param index in {@code [0, n)}
     * @return its image, in {@code [0, n)}; distinct indices have distinct images
     */
    public long apply(long index) {
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("index " + index + " of " + n);
        }
        long x = index;
        do {
            x = feistel(x);
        } while (x >= n);
        return x;
    }

    private long feistel(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ (mix(right ^ keys[r]) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
