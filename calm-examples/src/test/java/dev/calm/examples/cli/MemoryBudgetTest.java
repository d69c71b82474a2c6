/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long GB = 1_000_000_000L;

    /**
     * 3 GB at batch 1 and 4 GB at batch 2: 1 GB per block on 2 GB of weights, so batch 16 needs 18 GB. With 20 GB
     * reachable, 85% is 17 GB: refused, and the largest batch that fits is (17 - 2) / 1 = 15.
     */
    @Test
    void extrapolatesLinearlyAndNamesTheBatchThatFits() {
        CalmException e = assertThrows(CalmException.class,
                () -> MemoryBudget.check("CALM's training", 16, 3 * GB, 4 * GB, 20 * GB));
        assertEquals("CALM's training at --batch 16 needs about 18.0 GB (1000 MB per block, measured at batch 1 and "
                + "2), more than 85% of the 20.0 GB this process can reach: use --batch 15 or less", e.getMessage());
        assertEquals(18 * GB, MemoryBudget.check("CALM's training", 16, 3 * GB, 4 * GB, 22 * GB), "fits in 18.7 GB");
    }

    /** When even the fixed part does not fit, no batch is offered. */
    @Test
    void offersASmallerPresetWhenNoBatchFits() {
        CalmException e = assertThrows(CalmException.class,
                () -> MemoryBudget.check("the baseline's training", 4, 10 * GB, 11 * GB, 10 * GB));
        assertTrue(e.getMessage().endsWith("use a smaller preset"), e.getMessage());
    }

    /** On Linux the readings are sane: a peak at least the heap in use, and more reachable than the peak. */
    @Test
    void readsThisProcess() {
        Assumptions.assumeTrue(MemoryBudget.supported(), "no /proc/self/clear_refs (not Linux)");
        MemoryBudget.resetPeak();
        long peak = MemoryBudget.peakResident();
        assertTrue(peak > 10_000_000L, "peak resident " + peak);
        assertTrue(MemoryBudget.reachable() >= peak, "reachable " + MemoryBudget.reachable() + " vs peak " + peak);
    }
}
