/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Strict JSON for the immutable config records ({@link dev.calm.core.config.Json}: unknown fields fail, names
 * are snake_case as in the reference implementation) and the one-line validation helpers their constructors
 * use ({@link dev.calm.core.config.Checks}).
 */
package dev.calm.core.config;
