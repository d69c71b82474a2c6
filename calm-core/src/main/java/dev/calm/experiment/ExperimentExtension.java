/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.experiment;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JUnit 5 extension behind {@link CalmExperiment}. Before each test (each invocation of a parameterized test)
 * and before its {@code @BeforeEach} methods, it creates an {@link Experiment}; test and {@code @BeforeEach}
 * methods receive it, or its parts, as parameters of type {@link Experiment}, {@link NDManager}, {@link Rng} and
 * {@link MetricsRecorder} (the same objects throughout one test; parameters of other types are left to other
 * resolvers, such as a parameterized test's arguments). After the test and its {@code @AfterEach} methods, it
 * writes the experiment's {@link ExperimentReport} (status passed, failed or aborted) to
 * {@link Experiment#reportFile()}, then closes the experiment: its registered resources, its manager, its run
 * directory.
 *
 * <p>The reports go to {@code <dir>/<TestClassSimpleName>/<sanitised display name>.json}, where {@code <dir>} is
 * the system property {@value #DIR_PROPERTY} or else {@value #DEFAULT_DIR}, relative to the working directory
 * (the module's directory under Maven Surefire). Sanitising keeps letters, digits, {@code .}, {@code _} and
 * {@code -} and turns every other run of characters into one {@code _}. The display name of a test method is its
 * JUnit display name without the parameter list that JUnit adds by default, followed for a parameterized test by
 * the invocation's display name: {@code ablation(int, Experiment)}'s first invocation has the display name
 * {@code ablation [1] 4} and the report file {@code ablation_1_4.json}.
 */
public final class ExperimentExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The system property that sets the reports' directory. */
    public static final String DIR_PROPERTY = "calm.experiments.dir";

    /** The reports' directory when {@value #DIR_PROPERTY} is not set, relative to the working directory. */
    public static final String DEFAULT_DIR = "target/experiments";

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ExperimentExtension.class);
    private static final Set<Class<?>> OWNED = Set.of(Experiment.class, NDManager.class, Rng.class, MetricsRecorder.class);
    private static final int MAX_FILE_NAME = 150;

    /** Made by JUnit, from {@link CalmExperiment}'s {@code @ExtendWith}. */
    public ExperimentExtension() {}

    @Override
    public void beforeEach(ExtensionContext context) {
        CalmExperiment settings = settings(context);
        Class<?> testClass = context.getRequiredTestClass();
        String displayName = displayName(context);
        Path reportFile = reportDir().resolve(testClass.getSimpleName()).resolve(sanitise(displayName) + ".json");
        Experiment experiment = new Experiment(testClass, displayName, settings.seed(), Device.parse(settings.device()),
                reportFile);
        context.getStore(NAMESPACE).put(Experiment.class, experiment);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Experiment experiment = context.getStore(NAMESPACE).remove(Experiment.class, Experiment.class);
        if (experiment == null) {
            return;
        }
        try {
            Optional<Throwable> thrown = context.getExecutionException();
            ExperimentReport.Status status = thrown.isEmpty() ? ExperimentReport.Status.PASSED
                    : thrown.get() instanceof TestAbortedException ? ExperimentReport.Status.ABORTED
                    : ExperimentReport.Status.FAILED;
            ExperimentReport report = experiment.report(status, thrown.map(Throwable::toString).orElse(null));
            report.write(experiment.reportFile());
            boolean recorded = !report.metrics().isEmpty() || !report.texts().isEmpty() || !report.steps().isEmpty();
            if (recorded || LOG.isDebugEnabled()) {
                String line = String.format(Locale.ROOT, "%s %s in %.2f s; report %s", experiment.name(),
                        status.name().toLowerCase(Locale.ROOT), report.wallSeconds(), experiment.reportFile());
                if (recorded) {
                    LOG.info(line);
                } else {
                    LOG.debug(line);
                }
            }
        } finally {
            experiment.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return OWNED.contains(parameterContext.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        Experiment experiment = extensionContext.getTestMethod().isEmpty() ? null
                : extensionContext.getStore(NAMESPACE).get(Experiment.class, Experiment.class);
        if (experiment == null) {
            throw new ParameterResolutionException("a " + type.getSimpleName() + " of @CalmExperiment exists per test: "
                    + "take it in a test method or a @BeforeEach method, not in " + parameterContext.getDeclaringExecutable());
        }
        if (type == Experiment.class) {
            return experiment;
        } else if (type == NDManager.class) {
            return experiment.manager();
        } else if (type == Rng.class) {
            return experiment.rng();
        }
        return experiment.metrics();
    }

    /** The annotation on the test method, else on its class or the nearest enclosing class that has one. */
    private static CalmExperiment settings(ExtensionContext context) {
        Optional<CalmExperiment> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, CalmExperiment.class));
        if (onMethod.isPresent()) {
            return onMethod.get();
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            Optional<CalmExperiment> onClass = AnnotationSupport.findAnnotation(c, CalmExperiment.class);
            if (onClass.isPresent()) {
                return onClass.get();
            }
        }
        return Defaults.class.getAnnotation(CalmExperiment.class); // registered by @ExtendWith alone
    }

    /**
     * The display names from the test method's context down to this one, joined by spaces, with the parameter list
     * of a default method display name dropped ({@code ablation(int, Experiment)} becomes {@code ablation}).
     */
    static String displayName(ExtensionContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (Optional<ExtensionContext> c = Optional.of(context);
                c.isPresent() && c.get().getTestMethod().isPresent(); c = c.get().getParent()) {
            String name = c.get().getDisplayName();
            String method = c.get().getRequiredTestMethod().getName();
            parts.addFirst(name.startsWith(method + "(") && name.endsWith(")") ? method : name);
        }
        return parts.isEmpty() ? context.getDisplayName() : String.join(" ", parts);
    }

    /** The directory of the reports: {@value #DIR_PROPERTY} or {@value #DEFAULT_DIR}. */
    static Path reportDir() {
        String dir = System.getProperty(DIR_PROPERTY);
        return Path.of(dir == null || dir.isBlank() ? DEFAULT_DIR : dir);
    }

    /**
     * @param displayName a display name
     * @return a file name: runs of characters other than letters, digits, '.', '_' and '-' become '_'
     */
    static String sanitise(String displayName) {
        String s = displayName.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[_.]+|_+$", "");
        if (s.length() > MAX_FILE_NAME) {
            s = s.substring(0, MAX_FILE_NAME);
        }
        return s.isEmpty() ? "experiment" : s;
    }

    /** Carries the annotation's defaults. */
    @CalmExperiment
    private static final class Defaults {}
}
