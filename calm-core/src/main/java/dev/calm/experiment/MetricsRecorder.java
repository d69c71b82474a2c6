/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.experiment;

import dev.calm.core.CalmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one experiment measured: named scalars ({@link #record(String, double)}), named texts
 * ({@link #record(String, String)}), and curves as values logged per step ({@link #log}). After the test the
 * {@link ExperimentExtension} writes them into the experiment's {@link ExperimentReport}. Recording a name again
 * replaces its value. Safe to call from several threads.
 */
public final class MetricsRecorder {

    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> texts = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();

    /**
     * Values logged at one step of a curve.
     *
     * @param step the step, for example the trainer's step count
     * @param values the values by name, in the order given
     */
    public record Step(long step, Map<String, Double> values) {

        /**
         * Copies the values, keeping their order.
         *
         * @param step the step
         * @param values the values by name
         */
        public Step {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /** An empty recorder. */
    public MetricsRecorder() {}

    /**
     * Records a scalar, for example an accuracy or a final loss. NaN and infinities are kept (a BrierLM that is
     * undefined is NaN).
     *
     * @param name a non-blank name, for example {@code brier_lm}
     * @param value the value
     * @return this recorder
     */
    public synchronized MetricsRecorder record(String name, double value) {
        metrics.put(checked(name), value);
        return this;
    }

    /**
     * Records a text, for example a generated continuation or a model's description.
     *
     * @param name a non-blank name
     * @param value the text
     * @return this recorder
     */
    public synchronized MetricsRecorder record(String name, String value) {
        texts.put(checked(name), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Logs the values of one step of a curve, for example a training loss per step.
     *
     * @param step the step
     * @param values the values by name (non-blank names)
     * @return this recorder
     */
    public synchronized MetricsRecorder log(long step, Map<String, Double> values) {
        values.keySet().forEach(MetricsRecorder::checked);
        steps.add(new Step(step, values));
        return this;
    }

    /**
     * @param name a scalar's name
     * @return its value
     * @throws CalmException if nothing was recorded under that name
     */
    public synchronized double get(String name) {
        Double value = metrics.get(name);
        if (value == null) {
            throw new CalmException("no metric '" + name + "' was recorded (recorded: " + metrics.keySet() + ")");
        }
        return value;
    }

    /** @return the scalars recorded so far, by name in recording order (a copy) */
    public synchronized Map<String, Double> metrics() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** @return the texts recorded so far, by name in recording order (a copy) */
    public synchronized Map<String, String> texts() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(texts));
    }

    /** @return the steps logged so far, in logging order (a copy) */
    public synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    private static String checked(String name) {
        if (name == null || name.isBlank()) {
            throw new CalmException("a metric needs a non-blank name, got " + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }
}
