/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The command line's contract: usage, exit codes, one-line errors. */
class CalmCliTest {

    @Test
    void withoutArgumentsPrintsUsage() {
        CliRun r = CliRun.run();
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: calm"), r.out());
        assertTrue(r.out().contains("info") && r.out().contains("bench"), r.out());
    }

    @Test
    void infoReportsTheEngine() {
        CliRun r = CliRun.run("info");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("engine          PyTorch 2.7.1"), r.out());
        assertTrue(r.out().contains("default device  "), r.out());
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitCode2() {
        CliRun r = CliRun.run("bench", "--stpes", "3");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Unknown option") && r.err().contains("'--stpes'"), r.err());
    }

    @Test
    void userMistakeIsOneLineWithExitCode1() {
        CliRun r = CliRun.run("bench", "--device", "tpu");
        assertEquals(1, r.exit());
        assertEquals("calm: invalid device 'tpu': expected cpu, gpu, gpu:N or auto", r.err().strip());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void benchMeasuresCalmAndTheBaselineSideBySide() {
        CliRun r = CliRun.run("bench", "--preset", "tiny", "--vocab", "64", "--batch", "2", "--seq", "16", "--steps", "2",
                "--gen-tokens", "8", "--device", "cpu");
        assertEquals(0, r.exit(), r.err());
        for (String model : new String[] {"baseline", "calm"}) {
            assertTrue(r.out().matches("(?s).*" + model + " +[0-9,]+ parameters \\| train +[0-9,]+ tokens/s \\| "
                    + "generate +[0-9,]+ tokens/s.*"), r.out());
        }
        assertTrue(r.out().matches("(?s).*autoencoder +[0-9,]+ parameters \\| train +[0-9,]+ tokens/s.*"), r.out());
        assertTrue(r.out().matches("(?s).*calm / baseline: training [0-9.]+x, generation [0-9.]+x.*"), r.out());
    }

    @Test
    void benchRejectsASequenceThatIsNotAMultipleOfK() {
        CliRun r = CliRun.run("bench", "--preset", "tiny", "--seq", "10");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--seq a multiple of K 4"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
