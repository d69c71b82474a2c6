/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Experiments as JUnit 5 tests. Annotate a test class or method with {@link dev.calm.experiment.CalmExperiment};
 * each test then receives, as parameters of its test and {@code @BeforeEach} methods, an
 * {@link dev.calm.experiment.Experiment} (or its parts: a root {@code NDManager}, an {@code Rng} of the seed, a
 * {@link dev.calm.experiment.MetricsRecorder}), with a temporary run directory and the seeded
 * {@link dev.calm.core.data.TinyCorpus tiny corpora}. After the test the
 * {@link dev.calm.experiment.ExperimentExtension} closes the manager, deletes the run directory and writes an
 * {@link dev.calm.experiment.ExperimentReport} as JSON under {@code target/experiments}.
 *
 * <p>JUnit's API is an optional dependency of calm-core: code that uses this package's JUnit types needs
 * {@code org.junit.jupiter:junit-jupiter-api} on its (test) classpath. The tiny corpora themselves,
 * {@link dev.calm.core.data.TinyCorpus}, live in the data package: they do not use JUnit and work anywhere.
 */
package dev.calm.experiment;
