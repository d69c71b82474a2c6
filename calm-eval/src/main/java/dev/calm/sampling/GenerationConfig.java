/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import dev.calm.core.CalmException;

/**
 * How to sample a continuation.
 *
 * @param maxNewTokens tokens to generate per sequence at most (rounded up to whole steps, then cut)
 * @param temperature T in (0, 1]: samples are drawn from P(x)^(1/T) / Z over whole steps (K-token chunks for
 *     CALM, tokens for a token model)
 * @param stopAtEndOfText whether a sequence ends at its first end-of-text token (which is not returned)
 * @param method how a model without probabilities is sampled below T = 1 (a {@link dev.calm.energy.TokenModel}
 *     is tempered exactly through its softmax whatever the method)
 * @param candidates N, the candidates per step of {@link TemperatureMethod#BATCH} and of the exact method's
 *     fallback
 */
public record GenerationConfig(
        int maxNewTokens, double temperature, boolean stopAtEndOfText, TemperatureMethod method, int candidates) {

    /** The paper's batch size for the approximate method at T = 1/2. */
    public static final int DEFAULT_CANDIDATES = 200;

    /**
     * Validates the settings.
     *
     * @param maxNewTokens &gt;= 1
     * @param temperature T in (0, 1]
     * @param stopAtEndOfText whether to stop at end-of-text
     * @param method not null
     * @param candidates N &gt;= 1
     * @throws CalmException naming the first invalid setting
     */
    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new CalmException("max new tokens must be >= 1, got " + maxNewTokens);
        }
        if (!(temperature > 0 && temperature <= 1)) {
            throw new CalmException("temperature must be in (0, 1], got " + temperature);
        }
        if (method == null) {
            throw new CalmException("a temperature method is required");
        }
        if (candidates < 1) {
            throw new CalmException("candidates must be >= 1, got " + candidates);
        }
    }

    /**
     * Sampling at T = 1 up to end-of-text.
     *
     * @param maxNewTokens tokens to generate at most
     * @return the config
     */
    public static GenerationConfig of(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 1.0, true, TemperatureMethod.EXACT, DEFAULT_CANDIDATES);
    }

    /**
     * @param t the temperature, in (0, 1]
     * @return a copy with that temperature
     */
    public GenerationConfig withTemperature(double t) {
        return new GenerationConfig(maxNewTokens, t, stopAtEndOfText, method, candidates);
    }

    /**
     * @param m the method for models without probabilities
     * @param n candidates per step (batch method and fallback)
     * @return a copy with that method
     */
    public GenerationConfig withMethod(TemperatureMethod m, int n) {
        return new GenerationConfig(maxNewTokens, temperature, stopAtEndOfText, m, n);
    }

    /**
     * @param stop whether sequences end at end-of-text
     * @return a copy with that setting
     */
    public GenerationConfig withStopAtEndOfText(boolean stop) {
        return new GenerationConfig(maxNewTokens, temperature, stop, method, candidates);
    }
}
