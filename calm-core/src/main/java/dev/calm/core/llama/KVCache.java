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
 * Keys and values of the positions seen so far, per layer, for incremental decoding. Each layer's keys live in
 * one preallocated buffer whose capacity doubles when full, so a new token costs one in-place write and no copy
 * of the past. The cache owns its buffers in its own manager, so per-step managers can close without freeing
 * it. Close it when the sequence ends.
 */
public final class KVCache implements AutoCloseable {

    private static final int MIN_CAPACITY = 64;
    private static final int TIME = 2; // the position axis of [B, kvHeads, S, headDim]

    private final NDManager manager;
    private final NDArray[] keys; // per layer [B, kvHeads, capacity, headDim]; positions >= length unused
    private final NDArray[] values; // per layer [B, kvHeads, capacity, headDim]
    private int length;

    /**
     * @param parent the manager the cache's own manager is created under
     * @param numLayers number of decoder layers
     */
    public KVCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** @return the number of positions cached, which is also the position of the next token */
    public int length() {
        return length;
    }

    /** @return positions the buffers hold before they must grow (0 before the first append) */
    int capacity() {
        return keys.length == 0 || keys[0] == null ? 0 : (int) keys[0].getShape().get(TIME);
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
        keys[layer] = write(keys[layer], k);
        values[layer] = write(values[layer], v);
        long end = length + k.getShape().get(TIME);
        NDManager step = k.getManager();
        return new NDList(
                Backend.narrow(keys[layer], TIME, 0, end, step), Backend.narrow(values[layer], TIME, 0, end, step));
    }

    /** Writes {@code fresh} at positions [length, length + T), growing the buffer first if it is full. */
    private NDArray write(NDArray buffer, NDArray fresh) {
        Shape shape = fresh.getShape(); // [B, kvHeads, T, headDim]
        if (buffer != null && buffer.getShape().get(0) != shape.get(0)) {
            throw new CalmException("the KV cache holds a batch of " + buffer.getShape().get(0)
                    + " sequences but the input has " + shape.get(0) + ": use one cache per batch");
        }
        long end = length + shape.get(TIME);
        long capacity = buffer == null ? 0 : buffer.getShape().get(TIME);
        if (end > capacity) {
            long grown = Math.max(MIN_CAPACITY, capacity);
            while (grown < end) {
                grown *= 2;
            }
            Shape size = new Shape(shape.get(0), shape.get(1), grown, shape.get(3));
            NDArray bigger = manager.zeros(size, fresh.getDataType());
            if (buffer != null) {
                try (NDArray past = Backend.narrow(buffer, TIME, 0, length, manager)) {
                    Backend.write(bigger, TIME, 0, past);
                }
                buffer.close();
            }
            buffer = bigger;
        }
        Backend.write(buffer, TIME, length, fresh);
        return buffer;
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
