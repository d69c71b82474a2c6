/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts libtorch's intra-op thread count back after every test class to the count it found before the class, so
 * that a class which runs its tiny models on one thread ({@code @BeforeAll} with {@link Backend#setThreads}) does not
 * leave the classes after it on one thread too. Registered for every module's suite like {@link GradModeReset}.
 */
public final class ThreadsReset implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ThreadsReset.class);

    /** Creates the extension; JUnit instantiates it through the service loader. */
    public ThreadsReset() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("threads", Backend.threads());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer threads = context.getStore(NAMESPACE).get("threads", Integer.class);
        if (threads != null) {
            Backend.setThreads(threads);
        }
    }
}
