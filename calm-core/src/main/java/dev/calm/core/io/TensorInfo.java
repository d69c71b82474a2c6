/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shape its dimensions, row-major; empty for a scalar; a copy is kept and handed out
 * @param begin the offset of its first byte, relative to the start of the data buffer
 * @param end the offset just past its last byte
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    /**
     * Validates the fields and copies the shape.
     *
     * @param name the tensor's name
     * @param dtype its element type
     * @param shape its dimensions; copied
     * @param begin the offset of its first byte in the data buffer
     * @param end the offset just past its last byte
     * @throws IllegalArgumentException if a dimension is negative or the offsets are not {@code 0 <= begin <= end}
     */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = Objects.requireNonNull(shape, "shape").clone();
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("bad data offsets [" + begin + ", " + end + "]");
        }
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions; 0 for a scalar */
    public int rank() {
        return shape.length;
    }

    /**
     * @return the number of elements: the product of the dimensions, 1 for a scalar
     * @throws ArithmeticException if the product overflows a long
     */
    public long numel() {
        return spec().numel();
    }

    /** @return the tensor's name, dtype and shape, without its place in the file */
    public TensorSpec spec() {
        return new TensorSpec(name, dtype, shape);
    }

    /** @return the number of bytes the tensor spans in the data buffer, {@code end - begin} */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo that
                && name.equals(that.name)
                && dtype == that.dtype
                && Arrays.equals(shape, that.shape)
                && begin == that.begin
                && end == that.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + ": " + dtype.safetensorsName() + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
