/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;

/** How a parameter's initial values are drawn. */
@FunctionalInterface
public interface Init {

    /** All zeros: biases, and the zero-initialised last layer of the energy head. */
    Init ZEROS = (manager, shape, rng) -> manager.zeros(shape, DataType.FLOAT32);

    /** All ones: norm gains. */
    Init ONES = (manager, shape, rng) -> manager.ones(shape, DataType.FLOAT32);

    /**
     * Creates the initial values.
     *
     * @param manager owner and device of the result
     * @param shape the parameter's shape
     * @param rng the source of randomness
     * @return a FLOAT32 array of that shape
     */
    NDArray create(NDManager manager, Shape shape, Rng rng);

    /**
     * N(0, std^2), as Hugging Face Llama initialises linear and embedding weights (std = initializer_range).
     *
     * @param std the standard deviation
     * @return the initialiser
     */
    static Init normal(float std) {
        return (manager, shape, rng) -> rng.normal(manager, shape, 0f, std);
    }
}
