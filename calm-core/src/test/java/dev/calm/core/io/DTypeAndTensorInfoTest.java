/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DTypeAndTensorInfoTest {

    @Test
    void dtypesHaveTheirSafetensorsNamesAndSizes() {
        assertEquals(Optional.of(DType.BF16), DType.lookup("BF16"));
        assertEquals(Optional.empty(), DType.lookup("bf16"));
        assertEquals(4, DType.F32.byteSize());
        assertEquals(2, DType.F16.byteSize());
        assertEquals(2, DType.BF16.byteSize());
        assertEquals(8, DType.I64.byteSize());
        assertEquals("I64", DType.I64.safetensorsName());
        for (DType type : DType.values()) {
            assertEquals(type, DType.parse(type.safetensorsName(), "t", Path.of("f")));
        }
    }

    @Test
    void unsupportedDtypesAreNamedWithTensorAndFile() {
        for (String name : new String[] {"F64", "I32", "U8", "BOOL", "F8_E4M3"}) {
            CalmException e = assertThrows(CalmException.class,
                    () -> DType.parse(name, "layer.0.w", Path.of("/models/m.safetensors")));
            assertEquals("unsupported dtype " + name + " for tensor 'layer.0.w' in /models/m.safetensors"
                    + " (supported: F32, F16, BF16, I64)", e.getMessage());
        }
    }

    @Test
    void tensorInfoCountsElementsAndCopiesItsShape() {
        long[] shape = {2, 3};
        TensorInfo info = new TensorInfo("w", DType.BF16, shape, 8, 20);
        shape[0] = 99;
        assertArrayEquals(new long[] {2, 3}, info.shape());
        info.shape()[1] = 99;
        assertEquals(6, info.numel());
        assertEquals(12, info.byteLength());
        assertEquals(1, new TensorInfo("s", DType.F32, new long[0], 0, 4).numel());
        assertEquals(0, new TensorInfo("e", DType.F32, new long[] {0, 3}, 4, 4).numel());
        assertEquals(info, new TensorInfo("w", DType.BF16, new long[] {2, 3}, 8, 20));
        assertEquals(info.hashCode(), new TensorInfo("w", DType.BF16, new long[] {2, 3}, 8, 20).hashCode());
        assertNotEquals(info, new TensorInfo("w", DType.BF16, new long[] {3, 2}, 8, 20));
        assertTrue(info.toString().contains("BF16 [2, 3]"), info.toString());
        assertThrows(IllegalArgumentException.class, () -> new TensorInfo("x", DType.F32, new long[] {-1}, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TensorInfo("x", DType.F32, new long[] {1}, 4, 0));
    }
}
