/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.CalmException;
import java.util.function.Supplier;

/**
 * Runs the part of a command that needs ND4J (an optional dependency: the launcher's {@code lib/} has it, a
 * project that depends on calm-examples may not), turning its absence into one line instead of a
 * {@link NoClassDefFoundError}.
 */
final class Nd4jRequired {

    private Nd4jRequired() {}

    /**
     * @param what what needs ND4J, for the message ("--format npy")
     * @param action the code that touches ND4J
     * @param <T> what it returns
     * @return its result
     * @throws CalmException if ND4J is not on the classpath
     */
    static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (NoClassDefFoundError e) {
            throw new CalmException(what + " needs ND4J on the classpath (org.nd4j:nd4j-native and its natives "
                    + "for this platform), which is missing: " + e.getMessage(), e);
        }
    }
}
