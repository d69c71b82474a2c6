/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The engine calls DJL's API does not expose: views and in-place writes along one axis. */
class BackendTest {

    @Test
    void narrowAndWriteTouchOnlyTheirRangeAndLeaveShapesAlone() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray a = m.arange(0f, 12f).reshape(2, 6); // [[0..5], [6..11]]
            NDArray view = Backend.narrow(a, 1, 2, 4, m); // [2, 2]
            assertEquals(new Shape(2, 2), view.getShape());
            assertArrayEquals(new float[] {2, 3, 8, 9}, view.toFloatArray());
            // DJL caches an array's Shape and hands out its long[]: narrowing must not write into it
            assertEquals(new Shape(2, 6), a.getShape());

            NDArray target = m.zeros(new Shape(2, 6));
            Backend.write(target, 1, 3, m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            assertEquals(new Shape(2, 6), target.getShape());
            assertArrayEquals(new float[] {0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 4, 0}, target.toFloatArray());
        }
    }
}
