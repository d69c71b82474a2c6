/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import dev.calm.core.io.DType;
import java.util.Arrays;
import java.util.Optional;

/** The typed storage classes of {@code torch} that a state dict of this library's models may hold. */
enum StorageType {
    /** {@code torch.FloatStorage}: float32. */
    FLOAT("FloatStorage", DType.F32),
    /** {@code torch.HalfStorage}: float16. */
    HALF("HalfStorage", DType.F16),
    /** {@code torch.BFloat16Storage}: bfloat16. */
    BFLOAT16("BFloat16Storage", DType.BF16),
    /** {@code torch.LongStorage}: int64. */
    LONG("LongStorage", DType.I64);

    private final String className;
    private final DType dtype;

    StorageType(String className, DType dtype) {
        this.className = className;
        this.dtype = dtype;
    }

    /** @return the class name under {@code torch}, e.g. {@code BFloat16Storage} */
    String className() {
        return className;
    }

    /** @return the element type */
    DType dtype() {
        return dtype;
    }

    /**
     * @param name a class name under {@code torch}
     * @return the storage type of that name, if it is one this reader supports
     */
    static Optional<StorageType> of(String name) {
        return Arrays.stream(values()).filter(t -> t.className.equals(name)).findFirst();
    }
}
