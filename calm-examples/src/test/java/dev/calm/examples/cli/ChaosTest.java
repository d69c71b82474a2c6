/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at the moments that matter, then the same command: the result equals an uninterrupted run's
 * ({@link ChaosHarness}). The build runs three cases (train-ae killed while it writes a checkpoint, CALM right after
 * a metrics line, with the line torn, and the quickstart at a stage boundary); {@code scripts/chaos.sh N} runs N
 * random ones, every command and kill point among them
 * (system property {@code calm.chaos.cases}) and writes their outcomes to {@code target/chaos-report.txt}.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ChaosTest {

    private final TinyRun run = TinyRun.get();

    @Test
    void killedAtTheMomentsThatMatterEveryCommandResumesToTheSameBits(@TempDir Path dir) throws Exception {
        ChaosHarness harness = new ChaosHarness(dir, run.corpus(), run.runDir());
        SplittableRandom random = new SplittableRandom(15);
        List<ChaosHarness.Case> cases = List.of(
                harness.run(ChaosHarness.Scenario.TRAIN_AE, ChaosHarness.KillPoint.DURING_CHECKPOINT, random, "ae"),
                harness.run(ChaosHarness.Scenario.TRAIN_CALM, ChaosHarness.KillPoint.AFTER_METRICS_APPEND, random,
                        "calm"),
                harness.run(ChaosHarness.Scenario.QUICKSTART, ChaosHarness.KillPoint.STAGE_BOUNDARY, random,
                        "quickstart"));
        for (ChaosHarness.Case c : cases) {
            assertTrue(c.identical(), c.toString());
        }
        assertTrue(cases.stream().allMatch(c -> c.kills() > 0), "every case was killed: " + cases);
    }

    @Test
    @EnabledIfSystemProperty(named = "calm.chaos.cases", matches = "\\d+")
    void manyRandomCases(@TempDir Path dir) throws Exception {
        int n = Integer.parseInt(System.getProperty("calm.chaos.cases"));
        long seed = Long.parseLong(System.getProperty("calm.chaos.seed", "1"));
        ChaosHarness harness = new ChaosHarness(dir, run.corpus(), run.runDir());
        SplittableRandom random = new SplittableRandom(seed);
        ChaosHarness.Scenario[] scenarios = ChaosHarness.Scenario.values();
        ChaosHarness.KillPoint[] points = ChaosHarness.KillPoint.values();
        List<String> report = new ArrayList<>();
        int identical = 0;
        int killed = 0;
        for (int i = 0; i < n; i++) {
            ChaosHarness.Scenario s = scenarios[i % scenarios.length];
            ChaosHarness.KillPoint p = points[random.nextInt(points.length)];
            if (p == ChaosHarness.KillPoint.STAGE_BOUNDARY && s != ChaosHarness.Scenario.QUICKSTART) {
                p = ChaosHarness.KillPoint.RANDOM_TIME;
            }
            ChaosHarness.Case c = harness.run(s, p, random, "case" + i);
            identical += c.identical() ? 1 : 0;
            killed += c.kills() > 0 ? 1 : 0;
            report.add("case " + (i + 1) + ": " + c);
            System.out.println("chaos case " + (i + 1) + "/" + n + ": " + c);
        }
        report.add(identical + "/" + n + " identical to the uninterrupted run; " + killed + " of them killed at least "
                + "once (seed " + seed + ")");
        write(report);
        assertEquals(n, identical, String.join("\n", report));
    }

    private static void write(List<String> report) throws IOException {
        Path file = Path.of("target", "chaos-report.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, report);
    }
}
