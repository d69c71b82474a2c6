/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.calm.core.ShuffledOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training tests that record gradients, update weights in place or check the grad mode pass in shuffled
 * orders without the harness's grad-mode reset.
 */
class ShuffledOrderTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void gradModeTestsPassInAShuffledOrder(long seed) {
        ShuffledOrder.assertAllPass(seed, selectClass(GradModeRestoredTest.class), selectClass(TrainerTest.class),
                selectClass(AdamWTest.class), selectClass(CalmGradientTest.class));
    }
}
