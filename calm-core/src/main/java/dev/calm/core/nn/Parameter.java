/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;

/**
 * A trainable tensor of a {@link Module}: its shape, how it is initialised, and whether weight decay applies
 * (no decay on norm gains and biases). Loading replaces the underlying array, so optimiser state is keyed by the
 * {@code Parameter} and reads {@link #array()} at each step.
 */
public final class Parameter {

    private final Shape shape;
    private final Init init;
    private final boolean decay;
    private NDArray array;

    /**
     * @param shape the shape, e.g. [out, in] for a linear weight
     * @param init the initialiser
     * @param decay whether AdamW's weight decay applies
     */
    public Parameter(Shape shape, Init init, boolean decay) {
        this.shape = shape;
        this.init = init;
        this.decay = decay;
    }

    /** @return the declared shape, for example {@code [out, in]}; {@link Module#load} rejects a tensor of another shape */
    public Shape shape() {
        return shape;
    }

    /** @return whether AdamW applies its decoupled weight decay to this parameter (matrices yes, norms and biases no) */
    public boolean decay() {
        return decay;
    }

    /** @return whether values have been initialised or loaded */
    public boolean isInitialized() {
        return array != null;
    }

    /**
     * @return the values, of {@link #shape()}, owned by the manager given to initialise or load
     * @throws IllegalStateException if the parameter was neither initialised nor loaded
     */
    public NDArray array() {
        if (array == null) {
            throw new IllegalStateException("parameter of shape " + shape
                    + " has no values: call Module.initialize or Module.load first");
        }
        return array;
    }

    void initialize(NDManager manager, Rng rng) {
        replace(init.create(manager, shape, rng));
    }

    /** Replaces the values by a copy of {@code values} owned by {@code manager}. */
    void load(NDArray values, NDManager manager, String name) {
        if (!values.getShape().equals(shape)) {
            throw new CalmException("wrong shape for '" + name + "': expected " + shape + ", got " + values.getShape());
        }
        if (values.getDataType() != DataType.FLOAT32) {
            throw new CalmException(
                    "wrong data type for '" + name + "': expected float32, got " + values.getDataType());
        }
        adopt(values.toDevice(manager.getDevice(), false).duplicate(), manager);
    }

    /** Takes ownership of freshly read values of the right shape and type, without a copy. */
    void adopt(NDArray values, NDManager manager) {
        values.attach(manager);
        replace(values);
    }

    /**
     * Replaces the values by a view of a larger buffer that holds the same values ({@link Module#fuseRows}):
     * the parameter keeps its shape, name and gradient flag, and in-place updates of it show in the buffer.
     */
    void rebase(NDArray view) {
        if (!view.getShape().equals(shape)) {
            throw new IllegalArgumentException("view of shape " + view.getShape() + " for a parameter of " + shape);
        }
        replace(view);
    }

    private void replace(NDArray values) {
        boolean grad = array == null || array.hasGradient();
        if (array != null) {
            array.close();
        }
        array = values;
        array.setRequiresGradient(grad);
    }

    void setTrainable(boolean trainable) {
        array().setRequiresGradient(trainable);
    }
}
