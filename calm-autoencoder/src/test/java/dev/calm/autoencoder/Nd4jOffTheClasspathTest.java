/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.nd4j.Nd4jArrays;
import org.junit.jupiter.api.Test;

/**
 * ND4J stays off the default classpath: this module depends on calm-core as any user's project does, so its
 * classpath is calm-core's default dependency tree, where ND4J (an optional dependency of calm-core) must be absent.
 */
class Nd4jOffTheClasspathTest {

    @Test
    void aModuleThatDependsOnCalmCoreDoesNotGetNd4j() {
        ClassLoader loader = getClass().getClassLoader();
        for (String name : new String[] {"org.nd4j.linalg.factory.Nd4j", "org.nd4j.linalg.api.ndarray.INDArray",
                "org.nd4j.linalg.cpu.nativecpu.CpuBackend", "org.bytedeco.javacpp.Loader",
                "org.bytedeco.openblas.global.openblas"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, loader), name);
        }
    }

    @Test
    void theBridgeLoadsButNeedsNd4jAsSoonAsItsSignaturesAreResolved() throws ClassNotFoundException {
        Class.forName(Nd4jArrays.class.getName(), true, getClass().getClassLoader()); // loads and initialises
        NoClassDefFoundError e = assertThrows(NoClassDefFoundError.class, Nd4jArrays.class::getMethods);
        assertTrue(e.getMessage().startsWith("org/nd4j/"), e.getMessage());
    }
}
