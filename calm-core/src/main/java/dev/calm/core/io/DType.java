/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import dev.calm.core.CalmException;
import java.nio.file.Path;
import java.util.Optional;

/** The safetensors element types this library reads and writes. All are stored little-endian. */
public enum DType {
    /** IEEE 754 binary32. */
    F32("F32", 4),
    /** IEEE 754 binary16 (half precision). */
    F16("F16", 2),
    /** bfloat16: the upper 16 bits of a binary32. */
    BF16("BF16", 2),
    /** Signed 64-bit integer. */
    I64("I64", 8);

    private static final String SUPPORTED = "F32, F16, BF16, I64";

    private final String safetensorsName;
    private final int byteSize;

    DType(String safetensorsName, int byteSize) {
        this.safetensorsName = safetensorsName;
        this.byteSize = byteSize;
    }

    /** @return the name used in a safetensors header, e.g. {@code "BF16"} */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** @return the number of bytes one element takes in the data buffer */
    public int byteSize() {
        return byteSize;
    }

    /** @return true for the floating-point formats F32, F16 and BF16 */
    public boolean isFloatingPoint() {
        return this != I64;
    }

    /**
     * Looks up a dtype by its safetensors header name.
     *
     * @param safetensorsName the header name, e.g. {@code "F16"}; case-sensitive as in the format
     * @return the dtype, or empty if the name is not one this library supports
     */
    public static Optional<DType> lookup(String safetensorsName) {
        for (DType type : values()) {
            if (type.safetensorsName.equals(safetensorsName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses the dtype of a tensor read from a safetensors header.
     *
     * @param safetensorsName the header name, e.g. {@code "BF16"}
     * @param tensor the tensor's name, for the error message
     * @param file the file being read, for the error message
     * @return the dtype
     * @throws CalmException if the dtype is not one of F32, F16, BF16, I64
     */
    public static DType parse(String safetensorsName, String tensor, Path file) {
        return lookup(safetensorsName).orElseThrow(() -> new CalmException("unsupported dtype " + safetensorsName
                + " for tensor '" + tensor + "' in " + file + " (supported: " + SUPPORTED + ")"));
    }
}
