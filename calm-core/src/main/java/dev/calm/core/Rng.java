/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The single seeded source of randomness. Its whole state is two numbers, {@code (seed, draws)}, so a
 * checkpoint can store it and a resumed run continues with exactly the numbers an uninterrupted run draws.
 *
 * <p>Each tensor draw reseeds libtorch's generator with the next value of a SplitMix64 stream and then asks
 * libtorch for the numbers, so results do not depend on what else used libtorch's global generator. Java-side
 * randomness (shuffles, data order) comes from {@link #nextLong()} and {@link #javaRandom()}. Independent
 * streams come from {@link #fork(String)}. An instance is meant for one thread; instances on different threads
 * draw the same numbers as they would alone, since the reseed and the draw happen under one process-wide lock.
 */
public final class Rng {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;
    private long draws;

    /** @param seed the seed: two runs with the same seed draw the same numbers on the CPU */
    public Rng(long seed) {
        this(seed, 0);
    }

    private Rng(long seed, long draws) {
        this.seed = seed;
        this.draws = draws;
    }

    /**
     * Recreates a generator from its saved state.
     *
     * @param seed the seed it was created with
     * @param draws the value of {@link #draws()} when it was saved
     * @return a generator that continues exactly where the saved one was
     */
    public static Rng restore(long seed, long draws) {
        if (draws < 0) {
            throw new CalmException("invalid random state: draws must be >= 0, got " + draws);
        }
        return new Rng(seed, draws);
    }

    /** @return the seed this stream was created or restored with; with {@link #draws()}, its whole state */
    public long seed() {
        return seed;
    }

    /** @return how many values this generator has produced: with {@link #seed()}, its whole state */
    public long draws() {
        return draws;
    }

    /**
     * An independent stream derived from this generator's seed and a name, not from its draws, so adding draws
     * to one stream never shifts another.
     *
     * @param stream a name such as "init", "data" or "dropout"
     * @return a new generator
     */
    public Rng fork(String stream) {
        long h = seed;
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF));
        }
        return new Rng(mix(h + GOLDEN));
    }

    /** @return the next 64 random bits */
    public long nextLong() {
        return mix(seed + GOLDEN * ++draws);
    }

    /** @return uniform in [0, 1): the top 53 bits of {@link #nextLong()} times 2^-53 */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** @return a Java generator seeded from this stream, for shuffles and other host-side randomness */
    public SplittableRandom javaRandom() {
        return new SplittableRandom(nextLong());
    }

    /**
     * Samples N(mean, std^2) elementwise.
     *
     * @param manager owner and device of the result
     * @param shape the shape of the result, for example {@code [M, P, l]} for M samples of P latent vectors
     * @param mean the mean of every element
     * @param std the standard deviation
     * @return a FLOAT32 array
     */
    public NDArray normal(NDManager manager, Shape shape, float mean, float std) {
        return Backend.seededDraw(nextLong(), () -> manager.randomNormal(mean, std, shape, DataType.FLOAT32));
    }

    /**
     * Samples U[low, high) elementwise.
     *
     * @param manager owner and device of the result
     * @param shape the shape of the result
     * @param low inclusive lower bound
     * @param high exclusive upper bound
     * @return a FLOAT32 array
     */
    public NDArray uniform(NDManager manager, Shape shape, float low, float high) {
        return Backend.seededDraw(nextLong(), () -> manager.randomUniform(low, high, shape, DataType.FLOAT32));
    }

    /**
     * Samples a 0/1 mask that is 1 with probability {@code p}.
     *
     * @param manager owner and device of the result
     * @param shape the shape of the mask, usually that of the tensor it gates
     * @param p probability of a 1, in [0, 1]
     * @return a FLOAT32 array of zeros and ones
     */
    public NDArray bernoulli(NDManager manager, Shape shape, float p) {
        if (!(p >= 0 && p <= 1)) {
            throw new CalmException("Bernoulli probability must be in [0, 1], got " + p);
        }
        return uniform(manager, shape, 0f, 1f).lt(p).toType(DataType.FLOAT32, false);
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "Rng[seed=" + seed + ", draws=" + draws + "]";
    }
}
