/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** Device names, precision rules and engine selection. */
class DeviceTest {

    @Test
    void parsesDeviceNames() {
        assertEquals(Device.cpu(), Device.parse("cpu"));
        assertEquals(Device.gpu(0), Device.parse("GPU"));
        assertEquals(Device.gpu(1), Device.parse("cuda:1"));
        assertEquals("gpu:1/fp32", Device.parse("gpu:1").toString());
        CalmException e = assertThrows(CalmException.class, () -> Device.parse("tpu"));
        assertTrue(e.getMessage().contains("expected cpu, gpu, gpu:N or auto"), e.getMessage());
        e = assertThrows(CalmException.class, () -> Device.parse("gpu:x"));
        assertTrue(e.getMessage().contains("must be an integer"), e.getMessage());
    }

    @Test
    void rejectsPrecisionsThatCrashOrCrawl() {
        CalmException e = assertThrows(CalmException.class, () -> Device.gpu(0).withPrecision(Precision.BF16));
        assertTrue(e.getMessage().contains("BF16"), e.getMessage());
        e = assertThrows(CalmException.class, () -> Device.cpu().withPrecision(Precision.FP16));
        assertTrue(e.getMessage().contains("FP16"), e.getMessage());
        // FP16 on a GPU is a valid device description, but no manager computes in it yet
        Device half = Device.gpu(0).withPrecision(Precision.FP16);
        assertEquals(Precision.FP16, half.precision());
        e = assertThrows(CalmException.class, () -> Backend.newManager(half));
        assertTrue(e.getMessage().contains("precision FP16 is not supported yet"), e.getMessage());
    }

    @Test
    void usesThePyTorchEngineAndHonoursThreadSettings() {
        assertEquals("PyTorch", Backend.engine().getEngineName());
        try (Backend.ThreadScope t = Backend.threads(1)) {
            assertEquals(1, Backend.threads());
        }
        assertThrows(CalmException.class, () -> Backend.setThreads(0));
        try (NDManager m = Backend.newManager(Device.cpu())) {
            assertEquals(ai.djl.Device.cpu(), m.getDevice());
        }
    }

    @Test
    void autoIsTheCpuWithoutAGpuAndAMissingGpuIsAClearError() {
        if (Backend.engine().getGpuCount() == 0) {
            assertEquals(Device.cpu(), Device.auto());
            CalmException e = assertThrows(CalmException.class, () -> Backend.newManager(Device.gpu(0)));
            assertTrue(e.getMessage().contains("not available"), e.getMessage());
        } else {
            assertEquals(Device.gpu(0), Device.auto());
        }
    }

    static boolean hasGpu() {
        return Backend.engine().getGpuCount() > 0;
    }

    @Test
    @Tag("gpu")
    @EnabledIf("hasGpu")
    void gpuManagerPlacesTensorsOnTheGpu() {
        try (NDManager m = Backend.newManager(Device.gpu(0))) {
            assertEquals(ai.djl.Device.gpu(0), m.ones(new ai.djl.ndarray.types.Shape(2)).getDevice());
        }
    }
}
