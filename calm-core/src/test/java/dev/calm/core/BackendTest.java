/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine calls DJL's API does not expose: views and in-place writes along one axis, scalars and copies in
 * libtorch's own memory.
 */
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

    @Test
    void aScalarOperandSurvivesTheGarbageCollectorUntilTheBackwardPass() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray w = m.ones(new Shape(3));
            w.setRequiresGradient(true);
            try (GradientCollector collector = Backend.engine().newGradientCollector()) {
                NDArray scalar = Backend.scalar(w, 3);
                assertEquals(new Shape(), scalar.getShape());
                assertEquals(DataType.FLOAT32, scalar.getDataType());
                NDArray y = w.mul(scalar);
                scalar.close(); // the graph keeps libtorch's reference, whatever Java does
                System.gc();
                List<ByteBuffer> poison = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    poison.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, 1e30f));
                }
                collector.backward(y.sum());
                assertEquals(1000, poison.size());
            }
            assertArrayEquals(new float[] {3, 3, 3}, w.getGradient().toFloatArray());
        }
    }

    @Test
    void anOwnedCopyHasTheValuesAndClosesTheJavaBackedArray() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray javaBacked = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray owned = Backend.owned(javaBacked);
            assertArrayEquals(new float[] {1, 2, 3, 4}, owned.toFloatArray());
            assertEquals(new Shape(2, 2), owned.getShape());
            assertTrue(javaBacked.isReleased());
        }
    }

    @Test
    void aThreadScopeSetsTheCountInsideAndRestoresItAfterAlsoWhenTheBodyThrows() {
        int before = Backend.threads();
        int inside = before == 1 ? 2 : 1; // a count that differs from the current one, so a no-op fails
        try (Backend.ThreadScope t = Backend.threads(inside)) {
            assertEquals(inside, Backend.threads());
            try (Backend.ThreadScope nested = Backend.threads(before)) {
                assertEquals(before, Backend.threads());
            }
            assertEquals(inside, Backend.threads(), "a nested scope restores the outer scope's count");
        }
        assertEquals(before, Backend.threads());

        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (Backend.ThreadScope t = Backend.threads(inside)) {
                assertEquals(inside, Backend.threads());
                throw new IllegalStateException("body failed");
            }
        });
        assertEquals("body failed", thrown.getMessage());
        assertEquals(before, Backend.threads(), "restored after the body threw");

        CalmException bad = assertThrows(CalmException.class, () -> Backend.threads(0));
        assertEquals("thread count must be at least 1, got 0", bad.getMessage());
        assertEquals(before, Backend.threads(), "a rejected count changes nothing");
    }
}
