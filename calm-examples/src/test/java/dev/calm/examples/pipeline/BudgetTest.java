/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The split of {@code --minutes} across the quickstart's stages, by hand for a budget that starts now. */
class BudgetTest {

    /** Minutes that pass between the budget's start and the assertion: well below this. */
    private static final double CLOCK = 0.01;

    @Test
    void theTrainingStagesShareWhatTheFixedStagesLeave() {
        Budget budget = Budget.startingNow(20);
        assertEquals(110, budget.reserveSeconds());
        // (1200 s - 110 s reserved - 15 s of reconstruction sweep) x 37% = 397.75 s
        assertEquals(397.75 / 60, budget.autoencoderMinutes(), CLOCK);
        // (1200 s - 110 s) / 2 models = 545 s each, had nothing been spent yet
        assertEquals(545.0 / 60, budget.languageModelMinutes(2), CLOCK);
        assertTrue(budget.describe().matches("0\\.0 of 20\\.0 min \\(-100\\.0%\\)"), budget.describe());
    }

    @Test
    void timeAlreadySpentComesOutOfTheStagesThatAreLeft() {
        long startedTenMinutesAgo = System.nanoTime() - 600_000_000_000L;
        Budget budget = new Budget(1200, startedTenMinutesAgo, 110);
        assertEquals((1200 - 600 - 110) / 2.0 / 60, budget.languageModelMinutes(2), CLOCK);
        Budget late = new Budget(1200, System.nanoTime() - 1_300_000_000_000L, 110);
        assertEquals(Budget.MIN_STAGE_MINUTES, late.languageModelMinutes(2), "a late stage still trains a little");
        assertEquals(Budget.MIN_STAGE_MINUTES, late.autoencoderMinutes());
    }

    @Test
    void aSmallBudgetReservesAQuarterForTheFixedStages() {
        assertEquals(60, Budget.startingNow(4).reserveSeconds());
        assertThrows(IllegalArgumentException.class, () -> Budget.startingNow(0));
        assertThrows(IllegalArgumentException.class, () -> Budget.startingNow(Double.POSITIVE_INFINITY));
    }
}
