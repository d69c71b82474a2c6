/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import java.util.List;
import java.util.Locale;

/**
 * How well an autoencoder reconstructs held-out text from its latent vectors, at one noise level.
 *
 * @param sigma standard deviation of the Gaussian noise added to the posterior mean (0: none)
 * @param tokens tokens evaluated
 * @param chunks chunks of K tokens evaluated
 * @param tokenAccuracy fraction of tokens decoded correctly (argmax)
 * @param chunkAccuracy fraction of chunks whose K tokens are all correct
 */
public record ReconstructionAccuracy(double sigma, long tokens, long chunks, double tokenAccuracy,
        double chunkAccuracy) {

    /**
     * A Markdown table, one row per noise level.
     *
     * @param rows the sweep
     * @return the table, ending with a newline
     */
    public static String table(List<ReconstructionAccuracy> rows) {
        StringBuilder sb = new StringBuilder("| noise sigma | tokens | token accuracy | chunk accuracy |\n"
                + "|---:|---:|---:|---:|\n");
        for (ReconstructionAccuracy r : rows) {
            sb.append(String.format(Locale.ROOT, "| %.2f | %,d | %.4f%% | %.4f%% |%n", r.sigma, r.tokens,
                    100 * r.tokenAccuracy, 100 * r.chunkAccuracy));
        }
        return sb.toString();
    }
}
