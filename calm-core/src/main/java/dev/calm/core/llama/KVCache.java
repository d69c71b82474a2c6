/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;

/**
 * Keys and values of the positions seen so far, per layer, for incremental decoding. Each layer's keys and values
 * live in one preallocated buffer (keys in the first half of its heads, values in the second) whose capacity
 * doubles when full, so a new token costs one in-place write and no copy of the past. The cache owns its buffers
 * in its own manager, so per-step managers can close without freeing it. Close it when the sequence ends.
 */
public final class KVCache implements AutoCloseable {

    private static final int MIN_CAPACITY = 64;
    private static final int HEADS = 1; // the head axis of [B, 2 kvHeads, S, headDim]
    private static final int TIME = 2; // the position axis

    private final NDManager manager;
    private final NDArray[] buffers; // per layer [B, 2 kvHeads, capacity, headDim]; positions >= length unused
    private int length;

    /**
     * @param parent the manager the cache's own manager is created under
     * @param numLayers number of decoder layers
     */
    public KVCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.buffers = new NDArray[numLayers];
    }

    /** @return the number of positions cached, which is also the position of the next token */
    public int length() {
        return length;
    }

    /** @return positions the buffers hold before they must grow (0 before the first append) */
    int capacity() {
        return buffers.length == 0 || buffers[0] == null ? 0 : (int) buffers[0].getShape().get(TIME);
    }

    /**
     * Appends one layer's new keys and values and returns views of all of them, owned by the new keys' manager.
     *
     * @param layer the layer index
     * @param k [B, kvHeads, T, headDim]
     * @param v [B, kvHeads, T, headDim]
     * @return keys and values of all S = length + T positions, each [B, kvHeads, S, headDim]
     */
    NDList append(int layer, NDArray k, NDArray v) {
        Shape shape = k.getShape();
        long kvHeads = shape.get(HEADS);
        NDArray buffer = ensureCapacity(layer, shape.get(0), 2 * kvHeads, shape.get(TIME), shape.get(3), k);
        Backend.write(buffer, HEADS, 0, TIME, length, k);
        Backend.write(buffer, HEADS, kvHeads, TIME, length, v);
        return views(layer, kvHeads, length + shape.get(TIME), k.getManager());
    }

    /**
     * Appends one layer's new keys and values given together, as a fused projection yields them, in one write.
     *
     * @param layer the layer index
     * @param kv [B, 2 kvHeads, T, headDim]: the keys' heads, then the values'
     * @return keys and values of all S = length + T positions, each [B, kvHeads, S, headDim]
     */
    NDList appendTogether(int layer, NDArray kv) {
        Shape shape = kv.getShape();
        NDArray buffer = ensureCapacity(layer, shape.get(0), shape.get(HEADS), shape.get(TIME), shape.get(3), kv);
        Backend.write(buffer, TIME, length, kv);
        return views(layer, shape.get(HEADS) / 2, length + shape.get(TIME), kv.getManager());
    }

    /** The keys and values of positions [0, end), as views owned by the step's manager (two engine calls). */
    private NDList views(int layer, long kvHeads, long end, NDManager step) {
        return Backend.narrow(buffers[layer], TIME, 0, end, step).split(new long[] {kvHeads}, HEADS);
    }

    /** The layer's buffer, grown (capacity doubled, the past copied) if the T new positions do not fit. */
    private NDArray ensureCapacity(int layer, long batch, long heads, long t, long headDim, NDArray like) {
        NDArray buffer = buffers[layer];
        if (buffer != null && buffer.getShape().get(0) != batch) {
            throw new CalmException("the KV cache holds a batch of " + buffer.getShape().get(0)
                    + " sequences but the input has " + batch + ": use one cache per batch");
        }
        long end = length + t;
        long capacity = buffer == null ? 0 : buffer.getShape().get(TIME);
        if (end > capacity) {
            long grown = Math.max(MIN_CAPACITY, capacity);
            while (grown < end) {
                grown *= 2;
            }
            NDArray bigger = manager.zeros(new Shape(batch, heads, grown, headDim), like.getDataType());
            if (buffer != null) {
                try (NDArray past = Backend.narrow(buffer, TIME, 0, length, manager)) {
                    Backend.write(bigger, TIME, 0, past);
                }
                buffer.close();
            }
            buffers[layer] = bigger;
        }
        return buffers[layer];
    }

    /**
     * Records that a forward pass of {@code t} positions went through every layer.
     *
     * @param t positions added
     */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        manager.close();
    }
}
