/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import dev.calm.core.data.shards.TokenStore;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;
import dev.calm.energy.TokenModel;
import java.nio.IntBuffer;

/**
 * A reference scorer for BrierLM: a unigram or bigram model counted on the training split, seen as a
 * {@link TokenModel} so that {@link BrierEvaluator} scores it with the same estimator, on the same kind of
 * positions, as the token baseline. Without such a row a reader cannot tell whether a model learned anything:
 * a sampler that ignores the context already scores Brier-1 = sum_y p(y)^2 on average.
 *
 * <ul>
 *   <li>unigram: P(y) = c(y) / N;
 *   <li>bigram: P(y | x) = (c(x, y) + alpha P(y)) / (c(x) + alpha), alpha = 1: maximum likelihood, backed off to the
 *       unigram for contexts seen rarely or never.
 * </ul>
 * The model's "hidden state" at a position is the id it conditions on (nothing for the unigram), and its table of
 * log-probabilities, [1 or V, V], lives in the manager given at construction (a bigram over V ids holds V^2
 * floats: 64 MB at V = 4096).
 */
public final class NgramModel implements TokenModel, AutoCloseable {

    /** The largest vocabulary a bigram table is built for (V^2 floats). */
    public static final int MAX_BIGRAM_VOCAB = 16_384;
    /** Weight of the unigram prior of the bigram's rows. */
    public static final double ALPHA = 1;
    /** Ids read from the training stream at a time. */
    private static final int WINDOW = 1 << 20;

    private final int order;
    private final NDManager manager;
    private final NDArray logProbs; // [1, V] or [V, V]

    private NgramModel(int order, NDManager manager, float[] logProbs, int vocab) {
        this.order = order;
        this.manager = manager;
        this.logProbs = manager.create(logProbs, new Shape(logProbs.length / vocab, vocab));
    }

    /**
     * @param tokens the training token stream (documents joined by end-of-text), from its position to its limit
     * @param vocab the vocabulary size
     * @param parent the manager under which the table is allocated
     * @return the unigram model
     */
    public static NgramModel unigram(IntBuffer tokens, int vocab, NDManager parent) {
        return unigram(TokenStore.of(tokens.slice()), vocab, parent);
    }

    /**
     * @param tokens the training token stream, for example a sharded dataset on disk, read in windows
     * @param vocab the vocabulary size
     * @param parent the manager under which the table is allocated
     * @return the unigram model
     */
    public static NgramModel unigram(TokenStore tokens, int vocab, NDManager parent) {
        double[] p = unigramProbabilities(count(tokens, vocab, null), tokens.numTokens());
        float[] table = new float[vocab];
        for (int y = 0; y < vocab; y++) {
            table[y] = (float) Math.log(p[y]);
        }
        return new NgramModel(1, parent.newSubManager(), table, vocab);
    }

    /**
     * @param tokens the training token stream (documents joined by end-of-text), from its position to its limit
     * @param vocab the vocabulary size, at most {@value #MAX_BIGRAM_VOCAB}
     * @param parent the manager under which the table is allocated
     * @return the bigram model
     */
    public static NgramModel bigram(IntBuffer tokens, int vocab, NDManager parent) {
        return bigram(TokenStore.of(tokens.slice()), vocab, parent);
    }

    /**
     * @param tokens the training token stream, for example a sharded dataset on disk, read in windows
     * @param vocab the vocabulary size, at most {@value #MAX_BIGRAM_VOCAB}
     * @param parent the manager under which the table is allocated
     * @return the bigram model
     */
    public static NgramModel bigram(TokenStore tokens, int vocab, NDManager parent) {
        if (vocab > MAX_BIGRAM_VOCAB) {
            throw new CalmException("a bigram reference holds V^2 probabilities: vocabulary " + vocab
                    + " is over its limit of " + MAX_BIGRAM_VOCAB);
        }
        int[] pairs = new int[vocab * vocab];
        double[] p = unigramProbabilities(count(tokens, vocab, pairs), tokens.numTokens());
        long[] contexts = new long[vocab]; // c(x) = sum_y c(x, y): every id but the stream's last
        for (int x = 0; x < vocab; x++) {
            for (int y = 0; y < vocab; y++) {
                contexts[x] += pairs[x * vocab + y];
            }
        }
        float[] table = new float[vocab * vocab];
        for (int x = 0; x < vocab; x++) {
            for (int y = 0; y < vocab; y++) {
                table[x * vocab + y] = (float) Math.log((pairs[x * vocab + y] + ALPHA * p[y]) / (contexts[x] + ALPHA));
            }
        }
        return new NgramModel(2, parent.newSubManager(), table, vocab);
    }

    /**
     * One pass over the stream in windows of {@link #WINDOW} ids: the count of every id, and of every pair of
     * neighbours into {@code pairs} ([V * V], row = the first id) unless it is null.
     */
    private static long[] count(TokenStore tokens, int vocab, int[] pairs) {
        long[] counts = new long[vocab];
        int[] window = new int[(int) Math.min(WINDOW, tokens.numTokens())];
        int previous = -1;
        for (long offset = 0; offset < tokens.numTokens(); offset += window.length) {
            int length = (int) Math.min(window.length, tokens.numTokens() - offset);
            tokens.read(offset, window, 0, length);
            for (int i = 0; i < length; i++) {
                int y = checked(window[i], vocab);
                counts[y]++;
                if (pairs != null && previous >= 0) {
                    pairs[previous * vocab + y]++;
                }
                previous = y;
            }
        }
        return counts;
    }

    /** Add-one unigram probabilities, so that no id has probability 0. */
    private static double[] unigramProbabilities(long[] counts, long tokens) {
        double total = tokens + (double) counts.length;
        double[] p = new double[counts.length];
        for (int y = 0; y < counts.length; y++) {
            p[y] = (counts[y] + 1) / total;
        }
        return p;
    }

    private static int checked(int id, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new CalmException("token id " + id + " is outside the vocabulary of " + vocab);
        }
        return id;
    }

    /** @return the manager that owns the table of log-probabilities (closed by {@link #close()}) */
    @Override
    public NDManager manager() {
        return manager;
    }

    /** @return 1 for the unigram, 2 for the bigram */
    public int order() {
        return order;
    }

    /** The context of each position, the id itself as a float: [B, T, 1]. Needs no cache and no mask. */
    @Override
    public NDArray hidden(NDArray ids, KVCache cache, AttentionLayout layout) {
        return ids.toType(DataType.FLOAT32, false).expandDims(-1); // [B, T, 1]
    }

    @Override
    public NDArray logits(NDArray hidden) {
        Shape s = hidden.getShape(); // [..., 1]
        NDArray rows = order == 1 ? hidden.zerosLike() : hidden;
        NDArray index = rows.toType(DataType.INT64, false).reshape(-1); // [P]
        NDArray rowsOfTable = logProbs.get(index); // [P, V], owned by the table's manager until moved
        rowsOfTable.attach(hidden.getManager()); // freed with the caller's arrays, not kept with the table
        return rowsOfTable.reshape(s.slice(0, s.dimension() - 1).add(logProbs.getShape().get(1)));
    }

    @Override
    public KVCache newCache(NDManager manager) {
        return new KVCache(manager, 0);
    }

    /** Frees the table. */
    @Override
    public void close() {
        manager.close();
    }
}
