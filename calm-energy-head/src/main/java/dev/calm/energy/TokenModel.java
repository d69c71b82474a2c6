/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;

/**
 * A {@link StepModel} whose step is one token drawn from an explicit softmax. Its probabilities give exact
 * temperature sampling and the lower-variance BrierLM estimator; CALM has only samples.
 */
public interface TokenModel extends StepModel {

    /**
     * @param hidden hidden states, [..., d]
     * @return next-token logits, [..., V]
     */
    NDArray logits(NDArray hidden);

    @Override
    default int tokensPerStep() {
        return 1;
    }

    @Override
    default NDArray sample(NDArray hidden, int n, Rng rng) {
        NDArray logits = logits(hidden); // [P, V]
        return sampleLogits(logits, n, rng).expandDims(2); // [n, P, 1]
    }

    /**
     * Exact categorical sampling by the Gumbel-max trick: argmax(logits + G) with G = -log(-log U) is distributed
     * as softmax(logits). It runs on the device and returns only the ids.
     *
     * @param logits unnormalised log-probabilities, [P, V] (divide by T first for temperature T)
     * @param n samples per row
     * @param rng the source of U
     * @return ids, INT64 [n, P]
     */
    static NDArray sampleLogits(NDArray logits, int n, Rng rng) {
        Shape s = logits.getShape();
        NDArray u = rng.uniform(logits.getManager(), new Shape(n, s.get(0), s.get(1)), Float.MIN_NORMAL, 1f);
        // logits + G with G = -log(-log U), written as one subtraction (a - b is a + (-b) exactly)
        return logits.sub(u.log().neg().log()).argMax(-1).toType(DataType.INT64, false); // [n, P]
    }
}
