/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.experiment;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs every test of a class (or one test method) as an experiment: each test, and each invocation of a
 * {@code @ParameterizedTest}, gets its own {@link Experiment} (a root {@code NDManager} on {@link #device()}, an
 * {@code Rng} of {@link #seed()}, a temporary run directory and a {@link MetricsRecorder}), which test and
 * {@code @BeforeEach} methods receive as parameters of type {@link Experiment}, {@code NDManager}, {@code Rng} or
 * {@link MetricsRecorder}. After the test the manager is closed, the run directory deleted, and a JSON report
 * written (see {@link ExperimentExtension}).
 *
 * <pre>{@code
 * @CalmExperiment(seed = 42)
 * class MyExperiment {
 *     @Test
 *     void learnsToCount(Experiment experiment, NDManager manager) {
 *         ...
 *         experiment.metrics().record("brier_lm", result.brierLM());
 *     }
 * }
 * }</pre>
 *
 * <p>On a method, the annotation overrides the one on its class (or on an enclosing class, for
 * {@code @Nested} tests).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ExperimentExtension.class)
public @interface CalmExperiment {

    /** The seed when none is given. */
    long DEFAULT_SEED = 42;

    /**
     * The seed of each test's {@code Rng} (the same for every test: a test's random numbers do not depend on which
     * other tests run, nor on its name).
     *
     * @return the seed
     */
    long seed() default DEFAULT_SEED;

    /**
     * Where the test's tensors live, as {@code dev.calm.core.Device#parse} reads it: {@code cpu}, {@code auto}
     * (GPU 0 when the PyTorch engine sees one, else the CPU), {@code gpu}, {@code gpu:N}.
     *
     * @return the device name
     */
    String device() default "cpu";
}
