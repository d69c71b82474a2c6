/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void clipsByTheGlobalNormAcrossTensors() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray a = m.create(new float[] {3f});
            NDArray b = m.create(new float[] {4f});
            double norm = GradientClipping.clipGlobalNorm(List.of(a, b), 1.0);
            assertEquals(5.0, norm, 1e-6);
            // scaled by 1 / (5 + 1e-6)
            assertArrayEquals(new float[] {0.6f}, a.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.8f}, b.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void leavesGradientsBelowTheMaximumUnchanged() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray g = m.create(new float[] {0.3f, 0.4f});
            assertEquals(0.5, GradientClipping.clipGlobalNorm(List.of(g), 1.0), 1e-7);
            assertArrayEquals(new float[] {0.3f, 0.4f}, g.toFloatArray(), 0f);
            NDArray big = m.create(new float[] {30f, 40f});
            assertEquals(50, GradientClipping.clipGlobalNorm(List.of(big), 0), 1e-5); // 0: measure only
            assertArrayEquals(new float[] {30f, 40f}, big.toFloatArray(), 0f);
        }
    }

    @Test
    void reportsANonFiniteNormWithoutScaling() {
        try (NDManager m = Backend.newManager(Device.cpu())) {
            NDArray g = m.create(new float[] {Float.NaN, 1f});
            assertTrue(Double.isNaN(GradientClipping.clipGlobalNorm(List.of(g), 1.0)));
            assertEquals(1f, g.toFloatArray()[1], 0f);
        }
    }
}
