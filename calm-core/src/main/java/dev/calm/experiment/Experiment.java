/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.experiment;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.io.FileTrees;
import dev.calm.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one test under {@link CalmExperiment}: a root {@link NDManager} on the chosen device, an {@link Rng}
 * of the experiment's seed, a temporary run directory, a {@link MetricsRecorder}, and the {@link TinyCorpus tiny
 * corpora}. The {@link ExperimentExtension} makes one per test (per invocation of a parameterized test) and, after
 * the test, closes what {@link #closeAfter} registered (newest first), closes the manager, which frees every
 * tensor created in it, deletes the run directory, and writes the report to {@link #reportFile()}.
 */
public final class Experiment {

    private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);

    private final String testClass;
    private final String testClassName;
    private final String displayName;
    private final long seed;
    private final Device device;
    private final Path reportFile;
    private final NDManager manager;
    private final Rng rng;
    private final Path runDir;
    private final MetricsRecorder metrics = new MetricsRecorder();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final long startNanos = System.nanoTime();
    private boolean closed;

    /** Opens the manager and creates the run directory; only the extension makes experiments. */
    Experiment(Class<?> testClass, String displayName, long seed, Device device, Path reportFile) {
        this.testClass = testClass.getName();
        this.testClassName = testClass.getSimpleName();
        this.displayName = displayName;
        this.seed = seed;
        this.device = device;
        this.reportFile = reportFile;
        this.rng = new Rng(seed);
        try {
            this.runDir = Files.createTempDirectory("calm-experiment-");
        } catch (IOException e) {
            throw new CalmException("cannot create a run directory for " + displayName + ": " + e.getMessage(), e);
        }
        try {
            this.manager = Backend.newManager(device);
        } catch (RuntimeException e) {
            FileTrees.delete(runDir);
            throw e;
        }
    }

    /** @return the test class's simple name, a slash and the test's display name: {@code KTest/ablation [1] 4} */
    public String name() {
        return testClassName + "/" + displayName;
    }

    /**
     * @return the test's display name: the method's (without the parameter list JUnit adds by default) and, for a
     *     parameterized test, a space and the invocation's, for example {@code ablation [1] 4}
     */
    public String displayName() {
        return displayName;
    }

    /** @return the seed of {@link #rng()}, from {@link CalmExperiment#seed()} */
    public long seed() {
        return seed;
    }

    /** @return the device of {@link #manager()}, from {@link CalmExperiment#device()} */
    public Device device() {
        return device;
    }

    /** @return the test's root manager; it is closed after the test, freeing every tensor created under it */
    public NDManager manager() {
        return manager;
    }

    /**
     * The test's random stream, created with {@link #seed()}: a test draws the same numbers in every run. Fork it
     * ({@link Rng#fork}) for independent streams, such as one per model.
     *
     * @return the generator
     */
    public Rng rng() {
        return rng;
    }

    /** @return an empty temporary directory for the test's files (checkpoints, tokenizers); deleted after it */
    public Path runDir() {
        return runDir;
    }

    /** @return the recorder whose values go into the report */
    public MetricsRecorder metrics() {
        return metrics;
    }

    /**
     * @return where the report is written after the test: {@code <dir>/<TestClass>/<sanitised display name>.json}
     *     with {@code <dir>} the system property {@value ExperimentExtension#DIR_PROPERTY}, by default
     *     {@value ExperimentExtension#DEFAULT_DIR} (relative to the working directory)
     */
    public Path reportFile() {
        return reportFile;
    }

    /** @return {@link TinyCorpus#sentences(long)} of this experiment's seed */
    public TinyCorpus sentences() {
        return TinyCorpus.sentences(seed);
    }

    /** @return {@link TinyCorpus#counting(long)} of this experiment's seed */
    public TinyCorpus counting() {
        return TinyCorpus.counting(seed);
    }

    /**
     * Trains a byte-level BPE on every document of a corpus into the run directory and loads it; it is closed
     * after the test.
     *
     * @param corpus the corpus
     * @param vocabSize the ids wanted, at least 258
     * @return the tokenizer
     */
    public Tokenizer tokenizer(TinyCorpus corpus, int vocabSize) {
        Path file = runDir.resolve("tokenizer-" + corpus.name() + "-" + vocabSize + "-" + resources.size() + ".json");
        return closeAfter(corpus.trainTokenizer(vocabSize, file));
    }

    /**
     * Closes a resource after the test, before the manager is closed; resources close newest first.
     *
     * @param resource the resource
     * @param <T> its type
     * @return the resource
     */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        synchronized (resources) {
            resources.push(resource);
        }
        return resource;
    }

    /** @return seconds since the experiment was created */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The report of the experiment as it ended. */
    ExperimentReport report(ExperimentReport.Status status, String failure) {
        return new ExperimentReport(name(), testClass, displayName, seed, device.toString(), status, failure,
                elapsedSeconds(), metrics.metrics(), metrics.texts(), metrics.steps());
    }

    /** Closes the registered resources and the manager and deletes the run directory; idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        synchronized (resources) {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    LOG.warn("{}: cannot close a resource: {}", name(), e.toString());
                    failure = failure == null ? new CalmException("cannot close a resource of " + name(), e) : failure;
                }
            }
        }
        manager.close();
        FileTrees.delete(runDir);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Experiment[" + name() + ", seed=" + seed + ", " + device + "]";
    }
}
