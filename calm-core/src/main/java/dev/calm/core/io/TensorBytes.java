/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Stored tensor bytes (little-endian, contiguous) to NDArrays and Java arrays: F16 and BF16 are widened to
 * FP32 bit by bit in Java ({@link HalfFloats}), never through DJL's cast, which aborts the JVM for BF16.
 */
public final class TensorBytes {

    private TensorBytes() {}

    /**
     * @param raw the tensor's bytes as stored, little-endian, positioned at 0
     * @param spec its dtype and shape
     * @param manager the owner of the array
     * @return FLOAT32 for the float formats, INT64 for I64, of the tensor's shape
     */
    public static NDArray toArray(ByteBuffer raw, TensorSpec spec, NDManager manager) {
        boolean floating = spec.dtype().isFloatingPoint();
        DataType type = floating ? DataType.FLOAT32 : DataType.INT64;
        ByteBuffer data;
        if (spec.dtype().byteSize() == type.getNumOfBytes() && raw.isDirect()
                && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            data = raw.order(ByteOrder.nativeOrder());
        } else {
            data = ByteBuffer.allocateDirect(checkedBytes(spec, type.getNumOfBytes())).order(ByteOrder.nativeOrder());
            if (floating) {
                widen(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN), spec.dtype(), data.asFloatBuffer());
            } else {
                data.asLongBuffer().put(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer());
            }
        }
        return Backend.owned(manager.create(data, new Shape(spec.shape()), type)); // off the Java buffer
    }

    /**
     * @param raw a floating-point tensor's bytes as stored, little-endian
     * @param spec its dtype and shape
     * @return its values widened exactly to float, row-major
     * @throws CalmException if the tensor is not floating-point
     */
    public static float[] toFloats(ByteBuffer raw, TensorSpec spec) {
        if (!spec.dtype().isFloatingPoint()) {
            throw new CalmException("tensor '" + spec.name() + "' is " + spec.dtype().safetensorsName()
                    + ", not a floating-point tensor");
        }
        float[] values = new float[checkedBytes(spec, Float.BYTES) / Float.BYTES];
        widen(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN), spec.dtype(), FloatBuffer.wrap(values));
        return values;
    }

    /**
     * Widens F32, F16 or BF16 values to float.
     *
     * @param raw little-endian stored values
     * @param dtype their format
     * @param target receives every value of {@code raw}
     */
    static void widen(ByteBuffer raw, DType dtype, FloatBuffer target) {
        switch (dtype) {
            case F32 -> target.put(raw.asFloatBuffer());
            case BF16 -> {
                ShortBuffer bits = raw.asShortBuffer();
                while (bits.hasRemaining()) {
                    target.put(HalfFloats.bf16ToFloat(bits.get()));
                }
            }
            case F16 -> {
                ShortBuffer bits = raw.asShortBuffer();
                while (bits.hasRemaining()) {
                    target.put(HalfFloats.f16ToFloat(bits.get()));
                }
            }
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        }
    }

    /**
     * @param spec a tensor
     * @param elementBytes bytes per element of the buffer to allocate
     * @return numel * elementBytes as an int
     * @throws CalmException if that does not fit one Java buffer (2 GiB)
     */
    public static int checkedBytes(TensorSpec spec, int elementBytes) {
        long bytes;
        try {
            bytes = Math.multiplyExact(spec.numel(), (long) elementBytes);
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new CalmException("tensor '" + spec.name() + "' needs " + bytes
                    + " bytes, more than one Java buffer holds (2 GiB)");
        }
        return (int) bytes;
    }
}
