/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

/**
 * A problem a user can fix: a bad file, config, shape or option. The message names the problem in one line,
 * so that a command line can print it without a stack trace.
 */
public class CalmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message one line naming the problem and, where known, the file or value involved */
    public CalmException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the problem
     * @param cause the underlying error, kept for logs
     */
    public CalmException(String message, Throwable cause) {
        super(message, cause);
    }
}
