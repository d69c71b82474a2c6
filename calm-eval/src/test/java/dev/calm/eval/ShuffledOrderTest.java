/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.calm.core.ShuffledOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The evaluation tests that turn autograd recording off for inference, and edit weights in place, pass in
 * shuffled orders without the harness's grad-mode reset.
 */
class ShuffledOrderTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = 1) // one order: these classes are the slowest of the three modules' shuffled runs
    void gradModeTestsPassInAShuffledOrder(long seed) {
        ShuffledOrder.assertAllPass(seed, selectClass(BrierEvaluatorTest.class),
                selectClass("dev.calm.sampling.GeneratorTest"), selectClass("dev.calm.diagnostics.HeadDiagnosticsTest"),
                selectClass("dev.calm.diagnostics.LatentGeometryTest"));
    }
}
