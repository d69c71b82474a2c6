/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts the test thread's autograd recording back to the engine's default (off, as DJL leaves the thread that
 * loads it) after every test, so that no test passes or fails because of the grad mode an earlier one left behind.
 * Each test sets the mode it needs itself ({@link Backend#noGrad()}, a {@code GradientCollector}).
 *
 * <p>Registered for every module's suite by JUnit's extension auto-detection: calm-core's test jar, which every
 * module's tests depend on, carries {@code META-INF/services/org.junit.jupiter.api.extension.Extension} and the
 * {@code junit-platform.properties} that enables it.
 */
public final class GradModeReset implements AfterEachCallback {

    /** Creates the extension; JUnit instantiates it through the service loader. */
    public GradModeReset() {}

    @Override
    public void afterEach(ExtensionContext context) {
        Backend.engine(); // JNI calls need the engine loaded; loading turns recording off on the loading thread
        Backend.setGradMode(false);
    }
}
