/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.ndarray.types.DataType;

/**
 * Floating-point precision of parameters and activations.
 *
 * <p>FP32 is the only precision supported today. The others are named so that the API has room for them:
 * DJL 0.36 aborts the JVM when it casts to BF16, and libtorch runs FP16 on a CPU at a few GFLOP/s.
 */
public enum Precision {
    /** 32-bit IEEE floats: every device. */
    FP32(DataType.FLOAT32),
    /** 16-bit IEEE floats: GPU only. */
    FP16(DataType.FLOAT16),
    /** bfloat16: not usable through DJL 0.36 (its cast crashes the JVM); files convert it in Java instead. */
    BF16(DataType.BFLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** @return the DJL data type of tensors at this precision */
    public DataType dataType() {
        return dataType;
    }
}
