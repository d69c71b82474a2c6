/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Json;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON file one experiment leaves behind, {@code <dir>/<TestClass>/<display name>.json} (see
 * {@link ExperimentExtension}). JSON names are snake_case; a non-finite metric is written as the string
 * {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}.
 *
 * @param name the test class's simple name and the test's display name, {@link Experiment#name()}
 * @param testClass the test class's fully qualified name
 * @param displayName the test's display name (for a parameterized test, the method's and the invocation's)
 * @param seed the seed of the test's {@code Rng}
 * @param device the device the test's manager was on, such as {@code cpu/fp32}
 * @param status how the test ended
 * @param failure the failure's class and message when the test failed or was aborted, else null
 * @param wallSeconds wall time from before the first {@code @BeforeEach} to after the last {@code @AfterEach}
 * @param metrics the scalars recorded with {@link MetricsRecorder#record(String, double)}
 * @param texts the texts recorded with {@link MetricsRecorder#record(String, String)}
 * @param steps the values logged with {@link MetricsRecorder#log}, in order
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExperimentReport(
        String name,
        String testClass,
        String displayName,
        long seed,
        String device,
        Status status,
        String failure,
        double wallSeconds,
        Map<String, Double> metrics,
        Map<String, String> texts,
        List<MetricsRecorder.Step> steps) {

    /** How a test ended; written in lower case. */
    public enum Status {
        /** The test and its lifecycle methods completed. */
        @JsonProperty("passed")
        PASSED,
        /** An assertion or an exception failed it. */
        @JsonProperty("failed")
        FAILED,
        /** An assumption did not hold, so it stopped early. */
        @JsonProperty("aborted")
        ABORTED
    }

    /**
     * Copies the maps (keeping their order) and the list.
     *
     * @param name the test class's simple name and the test's display name
     * @param testClass the test class's fully qualified name
     * @param displayName the test's display name
     * @param seed the seed of the test's {@code Rng}
     * @param device the device the test's manager was on
     * @param status how the test ended
     * @param failure the failure's class and message, or null
     * @param wallSeconds wall time of the test with its lifecycle methods
     * @param metrics the recorded scalars
     * @param texts the recorded texts
     * @param steps the logged steps, in order
     */
    public ExperimentReport {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        texts = Collections.unmodifiableMap(new LinkedHashMap<>(texts));
        steps = List.copyOf(steps);
    }

    /**
     * @param file a report written by the {@link ExperimentExtension}
     * @return the report
     */
    public static ExperimentReport read(Path file) {
        return Json.read(file, ExperimentReport.class);
    }

    /**
     * Writes the report atomically, creating its directory.
     *
     * @param file the target
     */
    public void write(Path file) {
        Json.write(file, this);
    }
}
