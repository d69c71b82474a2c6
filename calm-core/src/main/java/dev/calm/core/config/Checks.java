/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.config;

import dev.calm.core.CalmException;

/** One-line validation helpers for config records; messages use the JSON field names. */
public final class Checks {

    private Checks() {}

    /**
     * @param field the JSON field name
     * @param value its value
     */
    public static void positive(String field, long value) {
        if (value <= 0) {
            throw new CalmException(field + " must be > 0, got " + value);
        }
    }

    /**
     * @param field the JSON field name
     * @param value its value
     */
    public static void positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new CalmException(field + " must be a finite number > 0, got " + value);
        }
    }

    /**
     * @param field the JSON field name
     * @param value its value
     * @param low inclusive lower bound
     * @param high inclusive upper bound
     */
    public static void inRange(String field, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw new CalmException(field + " must be in [" + low + ", " + high + "], got " + value);
        }
    }

    /**
     * @param condition what must hold
     * @param message the one-line message when it does not
     */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new CalmException(message);
        }
    }
}
