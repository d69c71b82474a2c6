/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stored tensor's name, element type and shape, whatever the file format that holds it (safetensors, a
 * PyTorch {@code pytorch_model.bin}, a sharded checkpoint).
 *
 * @param name the tensor's name in its state dict, e.g. {@code transformer.norm.weight}
 * @param dtype its element type as stored
 * @param shape its dimensions, row-major; empty for a scalar; a copy is kept and handed out
 */
public record TensorSpec(String name, DType dtype, long[] shape) {

    /**
     * Copies the shape.
     *
     * @param name the tensor's name
     * @param dtype its stored element type
     * @param shape its dimensions; copied
     */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = Objects.requireNonNull(shape, "shape").clone();
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of elements, 1 for a scalar */
    public long numel() {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /** @return the number of bytes of its data in its stored dtype */
    public long byteLength() {
        return Math.multiplyExact(numel(), (long) dtype.byteSize());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorSpec that && name.equals(that.name) && dtype == that.dtype
                && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ": " + dtype.safetensorsName() + " " + Arrays.toString(shape);
    }
}
