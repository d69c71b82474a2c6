/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;

/**
 * A model that runs another's backbone and changes only how a step is sampled: everything but
 * {@link #sample} is forwarded. Subclass it to try another sampler on a trained model (for example
 * {@link AncestralDecoding}); evaluators and generators take it like any {@link StepModel}.
 */
public abstract class ForwardingStepModel implements StepModel {

    private final StepModel inner;

    /** @param inner the model whose backbone, cache and manager are used */
    protected ForwardingStepModel(StepModel inner) {
        this.inner = inner;
    }

    /** @return the model whose backbone this one runs */
    protected StepModel inner() {
        return inner;
    }

    @Override
    public int tokensPerStep() {
        return inner.tokensPerStep();
    }

    @Override
    public NDManager manager() {
        return inner.manager();
    }

    @Override
    public KVCache newCache(NDManager manager) {
        return inner.newCache(manager);
    }

    @Override
    public NDArray hidden(NDArray ids, KVCache cache, AttentionLayout layout) {
        return inner.hidden(ids, cache, layout);
    }
}
