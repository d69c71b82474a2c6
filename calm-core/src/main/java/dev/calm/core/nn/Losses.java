/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;

/** Loss functions shared by the models. */
public final class Losses {

    private Losses() {}

    /**
     * Mean cross-entropy -log softmax(logits)[target] over all positions.
     *
     * @param logits [..., V]
     * @param targets integer ids [...]
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        NDArray logp = logits.logSoftmax(-1); // [..., V]
        return logp.gather(targets.expandDims(-1), -1).neg().mean(); // mean over [..., 1]
    }
}
