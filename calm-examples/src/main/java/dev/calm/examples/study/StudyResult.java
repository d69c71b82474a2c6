/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import dev.calm.diagnostics.HeadDiagnostics;
import dev.calm.diagnostics.LatentGeometry;
import dev.calm.eval.BrierLM;
import dev.calm.experiment.MetricsRecorder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one arm of a study measured on held-out text.
 *
 * @param arm the arm's name
 * @param tokenAccuracy the autoencoder's held-out token accuracy from the posterior mean
 * @param geometry the autoencoder's latent geometry
 * @param energyBefore CALM's held-out head loss before training
 * @param energyAfter and after
 * @param head CALM's head diagnostics after training
 * @param brier Brier-1..4 and BrierLM of CALM's samples
 * @param terms each Brier-n as 2 accuracy - collision
 * @param calmSeconds CALM's training wall time
 */
public record StudyResult(String arm, double tokenAccuracy, LatentGeometry geometry, double energyBefore,
        double energyAfter, HeadDiagnostics head, BrierLM.Result brier, BrierLM.Terms terms, double calmSeconds) {

    /** @return the distance of chunks sharing their first token over that of random chunks (NaN for K = 1) */
    private double firstTokenDistanceRatio() {
        double[] prefix = geometry.prefixPairDistance();
        return prefix.length == 0 ? Double.NaN : prefix[0] / geometry.randomPairDistance();
    }

    /** @return every figure under a stable name (snake_case), in a fixed order */
    public Map<String, Double> metrics() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("ae_token_accuracy", tokenAccuracy);
        out.put("latent_std_over_rms", geometry.stdOverRms());
        out.put("latent_random_distance", geometry.randomPairDistance());
        out.put("latent_first_token_distance_ratio", firstTokenDistanceRatio());
        out.put("latent_accuracy_at_1_std", geometry.noisyTokenAccuracy()[1]);
        out.put("latent_collapsed_dimensions", (double) geometry.collapsedDimensions());
        out.put("energy_before", energyBefore);
        out.put("energy_after", energyAfter);
        out.putAll(head.metrics());
        for (int n = 0; n < brier.brier().length; n++) {
            out.put("brier" + (n + 1), brier.brier()[n]);
            out.put("brier" + (n + 1) + "_se", brier.standardError()[n]);
            out.put("accuracy" + (n + 1), terms.accuracy()[n]);
            out.put("collision" + (n + 1), terms.collision()[n]);
        }
        out.put("brierlm", brier.defined() ? brier.brierLM() : Double.NaN);
        out.put("calm_seconds", calmSeconds);
        return out;
    }

    /**
     * Records every figure into an experiment's metrics.
     *
     * @param metrics the experiment's recorder
     */
    public void record(MetricsRecorder metrics) {
        metrics.record("arm", arm);
        metrics().forEach(metrics::record);
    }

    /** @return the header of {@link #row()}, a Markdown table's first two lines */
    public static String header() {
        return "| arm | AE acc. | std/RMS | acc. at 1 std | 1st-token dist. ratio | energy before -> after "
                + "| head dist. true / random | on manifold | chunk collision / accuracy | Brier-1 | Brier-2 | Brier-3 "
                + "| Brier-4 | 4-token accuracy / collision | BrierLM |\n"
                + "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n";
    }

    /** @return this result as one Markdown table row */
    public String row() {
        double[] b = brier.brier();
        double[] se = brier.standardError();
        return String.format(Locale.ROOT, "| %s | %.4f | %.3f | %.4f | %.3f | %.2f -> %.2f | %.3f | %.1f%% | %.2f "
                + "| %.4f ± %.4f | %.5f | %.6f | %.6f | %.2g / %.2g | %s |%n", arm, tokenAccuracy, geometry.stdOverRms(),
                geometry.noisyTokenAccuracy()[1], firstTokenDistanceRatio(),
                energyBefore, energyAfter, head.distanceRatio(), 100 * head.onManifold(),
                head.overconfidence(head.accuracy().length), b[0], se[0], b[1], b[2], b[3],
                terms.accuracy()[3], terms.collision()[3],
                brier.defined() ? String.format(Locale.ROOT, "%.3f", brier.brierLM()) : "undefined");
    }
}
