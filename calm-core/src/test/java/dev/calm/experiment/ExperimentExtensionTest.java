/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.NativeResource;
import dev.calm.core.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a small experiment class through the JUnit engine and checks what the harness promises: the same objects
 * in {@code @BeforeEach} and the test, the seed's random numbers, a run directory that lives as long as the test,
 * a manager closed after it, and one report per test (and per parameterized invocation) with its status and
 * values.
 */
class ExperimentExtensionTest {

    /** What the sample tests saw, read after the engine has run them. */
    static final List<NDArray> ARRAYS = new ArrayList<>();
    static final List<NDManager> MANAGERS = new ArrayList<>();
    static final List<Path> RUN_DIRS = new ArrayList<>();

    @TempDir
    static Path reports;

    private static Events events;
    /** Wall time of the whole engine run, which contains every sample's own wall time. */
    private static double engineSeconds;

    @BeforeAll
    static void runTheSampleExperiments() {
        String previous = System.getProperty(ExperimentExtension.DIR_PROPERTY);
        System.setProperty(ExperimentExtension.DIR_PROPERTY, reports.toString());
        try {
            long start = System.nanoTime();
            events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(SampleExperiments.class)).execute()
                    .testEvents();
            engineSeconds = (System.nanoTime() - start) / 1e9;
        } finally {
            if (previous == null) {
                System.clearProperty(ExperimentExtension.DIR_PROPERTY);
            } else {
                System.setProperty(ExperimentExtension.DIR_PROPERTY, previous);
            }
        }
    }

    private static ExperimentReport report(String fileName) {
        Path file = reports.resolve("SampleExperiments").resolve(fileName + ".json");
        assertTrue(Files.isRegularFile(file), "no report " + file);
        return ExperimentReport.read(file);
    }

    @Test
    void everySampleRanAndOnlyTheFailingOneFailed() {
        events.assertStatistics(s -> s.started(6).succeeded(5).failed(1).aborted(0));
    }

    @Test
    void aPassingTestsReportHoldsItsValues() {
        ExperimentReport r = report("recordsAndLogs");
        assertEquals("SampleExperiments/recordsAndLogs", r.name());
        assertEquals(SampleExperiments.class.getName(), r.testClass());
        assertEquals(ExperimentReport.Status.PASSED, r.status());
        assertNull(r.failure());
        assertEquals(7, r.seed());
        assertEquals("cpu/fp32", r.device());
        // bounds, not a timing: the test sleeps SLEEP_MILLIS, and the engine's run contains the test
        assertTrue(r.wallSeconds() >= SampleExperiments.SLEEP_MILLIS / 1e3 && r.wallSeconds() <= engineSeconds,
                "wall seconds " + r.wallSeconds() + ", the engine ran " + engineSeconds + " s");
        assertEquals(0.75, r.metrics().get("accuracy"));
        assertTrue(Double.isNaN(r.metrics().get("undefined")), "NaN survives the JSON round trip");
        assertEquals("one two", r.texts().get("continuation"));
        assertEquals(List.of(new MetricsRecorder.Step(1, Map.of("loss", 2.0)),
                new MetricsRecorder.Step(2, Map.of("loss", 1.5))), r.steps());
    }

    @Test
    void aFailingTestIsReportedAsFailedWithWhatItRecorded() {
        ExperimentReport r = report("fails");
        assertEquals(ExperimentReport.Status.FAILED, r.status());
        assertTrue(r.failure().contains("deliberately"), r.failure());
        assertEquals(1.0, r.metrics().get("before_failing"));
    }

    @Test
    void theSameSeedDrawsTheSameNumbersAndAMethodsSeedOverridesTheClasss() {
        ExperimentReport a = report("recordsAndLogs");
        ExperimentReport b = report("sameSeedAgain");
        ExperimentReport c = report("otherSeed");
        assertEquals(8, c.seed());
        for (String key : List.of("next_double", "tensor_sum")) {
            assertEquals(a.metrics().get(key), b.metrics().get(key), key);
            assertNotEquals(a.metrics().get(key), c.metrics().get(key), key);
        }
        assertEquals(new Rng(7).nextDouble(), a.metrics().get("next_double"), "the test's Rng is new Rng(seed)");
    }

    @Test
    void eachParameterizedInvocationIsItsOwnExperiment() {
        assertEquals(1.0, report("parameterized_1_1").metrics().get("k"));
        assertEquals(2.0, report("parameterized_2_2").metrics().get("k"));
        assertEquals("SampleExperiments/parameterized [2] 2", report("parameterized_2_2").name());
    }

    @Test
    void managersAreClosedAndRunDirectoriesDeletedAfterEachTest() {
        assertEquals(6, MANAGERS.size());
        assertEquals(6, MANAGERS.stream().distinct().count(), "one manager per test and invocation");
        for (NDManager manager : MANAGERS) {
            assertFalse(manager.isOpen());
        }
        for (NDArray array : ARRAYS) {
            assertTrue(((NativeResource<?>) array).isReleased(), "an array made in a test is freed after it");
        }
        assertEquals(6, RUN_DIRS.stream().distinct().count(), "one run directory per test");
        for (Path dir : RUN_DIRS) {
            assertFalse(Files.exists(dir), dir + " still exists");
        }
        assertEquals(1.0, report("recordsAndLogs").metrics().get("run_dir_existed"), "it existed during the test");
    }

    @Test
    void displayNamesBecomeSafeFileNames() {
        assertEquals("ablation_int_1_K_4", ExperimentExtension.sanitise("ablation(int) [1] K = 4"));
        assertEquals("r_sum.json", ExperimentExtension.sanitise("..r/sum.json"));
        assertEquals("experiment", ExperimentExtension.sanitise("()"));
    }

    /** Run only through {@link EngineTestKit} (Surefire skips nested classes). */
    @CalmExperiment(seed = 7)
    static class SampleExperiments {

        /** How long {@code recordsAndLogs} sleeps, the least wall time its report can show. */
        static final long SLEEP_MILLIS = 50;

        private Experiment experiment;
        private NDManager manager;
        private Rng rng;

        @BeforeEach
        void open(Experiment experiment, NDManager manager, Rng rng) {
            this.experiment = experiment;
            this.manager = manager;
            this.rng = rng;
            MANAGERS.add(manager);
            RUN_DIRS.add(experiment.runDir());
        }

        @AfterEach
        void stillOpen(NDManager manager) {
            assertTrue(manager.isOpen(), "@AfterEach methods run before the manager is closed");
        }

        private void draw(MetricsRecorder metrics) {
            metrics.record("next_double", rng.nextDouble());
            NDArray x = rng.uniform(manager, new Shape(16), 0f, 1f);
            ARRAYS.add(x);
            metrics.record("tensor_sum", x.sum().getFloat());
        }

        @Test
        void recordsAndLogs(Experiment experiment, NDManager manager, Rng rng, MetricsRecorder metrics) {
            assertSame(this.experiment, experiment);
            assertSame(this.manager, manager);
            assertSame(experiment.manager(), manager);
            assertSame(this.rng, rng);
            assertSame(experiment.metrics(), metrics);
            draw(metrics);
            metrics.record("run_dir_existed", Files.isDirectory(experiment.runDir()) ? 1 : 0);
            metrics.record("accuracy", 0.75).record("undefined", Double.NaN).record("continuation", "one two");
            metrics.log(1, Map.of("loss", 2.0)).log(2, Map.of("loss", 1.5));
            try {
                Thread.sleep(SLEEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Test
        void sameSeedAgain(MetricsRecorder metrics) {
            draw(metrics);
        }

        @Test
        @CalmExperiment(seed = 8)
        void otherSeed(MetricsRecorder metrics) {
            draw(metrics);
        }

        @Test
        void fails(MetricsRecorder metrics) {
            metrics.record("before_failing", 1);
            ARRAYS.add(manager.ones(new Shape(2)));
            fail("deliberately");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2})
        void parameterized(int k, Experiment experiment) {
            assertSame(this.experiment, experiment);
            experiment.metrics().record("k", k);
        }
    }
}
