/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs test classes (or methods) through the JUnit Platform launcher in a shuffled order, for the tests that show a
 * module's suite passes in any order: JUnit's {@link ClassOrderer.Random} and {@link MethodOrderer.Random} with a
 * fixed seed, so that a failing order can be replayed. {@link GradModeReset} is switched off for the run, so a test
 * that passed only because of the state an earlier one left behind fails here.
 */
public final class ShuffledOrder {

    private ShuffledOrder() {}

    /**
     * Runs the selected tests in the order the seed gives and fails, with every failure's stack trace, unless at
     * least one test ran and every test found passed (none failed, skipped or aborted).
     *
     * @param seed the seed of the class and method order
     * @param selectors what to run, e.g. {@code DiscoverySelectors.selectClass(TransformerTest.class)}
     */
    public static void assertAllPass(long seed, DiscoverySelector... selectors) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameters(Map.of(
                        "junit.jupiter.extensions.autodetection.enabled", "false",
                        "junit.jupiter.testclass.order.default", ClassOrderer.Random.class.getName(),
                        "junit.jupiter.testmethod.order.default", MethodOrderer.Random.class.getName(),
                        "junit.jupiter.execution.order.random.seed", Long.toString(seed)))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        StringWriter failures = new StringWriter();
        summary.printFailuresTo(new PrintWriter(failures), 40);
        assertEquals(0, summary.getTotalFailureCount(), "in the order of seed " + seed + ":\n" + failures);
        assertTrue(summary.getTestsFoundCount() > 0, "the selectors found no test");
        assertEquals(summary.getTestsFoundCount(), summary.getTestsSucceededCount(),
                "tests found and passed in the order of seed " + seed + " (the others were skipped or aborted)");
    }
}
