/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.Rng;
import dev.calm.core.llama.KVCache;

/**
 * CALM generation at temperature 1 (paper, section 5): each step draws one vector from the generative head,
 * z ~ p(z | h), and the frozen autoencoder decodes it into K tokens, which are compressed and fed back. A
 * prompt whose length is not a multiple of K is left-padded with end-of-text tokens.
 */
public final class CalmGenerator extends Generator {

    private final Calm calm;

    /**
     * @param calm the model
     * @param root the manager of its parameters
     * @param eosId the end-of-text id, used as padding
     */
    public CalmGenerator(Calm calm, NDManager root, long eosId) {
        super(root, calm.patchSize(), eosId);
        this.calm = calm;
    }

    @Override
    protected KVCache newCache(NDManager manager) {
        return calm.newCache(manager);
    }

    @Override
    protected long[] next(NDArray ids, KVCache cache, Rng rng) {
        NDArray last = calm.hidden(ids, cache).get(":, -1, :"); // [1, d]
        NDArray z = calm.head().sample(last, 1, rng); // [1, 1, l]
        return calm.decode(z).toLongArray(); // [1, K]
    }
}
