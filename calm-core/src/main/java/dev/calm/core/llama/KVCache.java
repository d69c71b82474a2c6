/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.calm.core.CalmException;

/**
 * Keys and values of the positions seen so far, per layer, for incremental decoding. It owns its tensors in
 * its own manager, so per-step managers can close without freeing the cache. Close it when the sequence ends.
 */
public final class KVCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys; // per layer [B, kvHeads, S, headDim]
    private final NDArray[] values; // per layer [B, kvHeads, S, headDim]
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

    /**
     * Appends one layer's new keys and values and returns the full ones.
     *
     * @param layer the layer index
     * @param k [B, kvHeads, T, headDim]
     * @param v [B, kvHeads, T, headDim]
     * @return keys and values of all S = length + T positions, each [B, kvHeads, S, headDim]
     */
    NDList append(int layer, NDArray k, NDArray v) {
        keys[layer] = grow(keys[layer], k);
        values[layer] = grow(values[layer], v);
        return new NDList(keys[layer], values[layer]);
    }

    private NDArray grow(NDArray old, NDArray fresh) {
        if (old != null && old.getShape().get(0) != fresh.getShape().get(0)) {
            throw new CalmException("the KV cache holds a batch of " + old.getShape().get(0)
                    + " sequences but the input has " + fresh.getShape().get(0) + ": use one cache per batch");
        }
        NDArray next = old == null ? fresh.duplicate() : NDArrays.concat(new NDList(old, fresh), 2);
        next.attach(manager);
        if (old != null) {
            old.close();
        }
        return next;
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
