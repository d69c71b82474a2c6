/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.EnergyFixtures;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.eval.ReconstructionEval;
import dev.calm.examples.ContextBlind;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import dev.calm.experiment.ExperimentReport;
import dev.calm.experiment.MetricsRecorder;
import dev.calm.training.AutoencoderObjective;
import dev.calm.training.CalmObjective;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunk size K (paper, section 6.2's ablation) at toy scale: for K in {1, 2, 4, 8}, a tiny autoencoder and a
 * tiny CALM are trained on the counting corpus, and the autoencoder's reconstruction accuracy, the CALM's
 * held-out energy loss before and after training, and its BrierLM are recorded in one report per K.
 */
@CalmExperiment(seed = 5)
class KAblationExperiment {

    private static final Logger LOG = LoggerFactory.getLogger(KAblationExperiment.class);

    private static final int AUTOENCODER_STEPS = 150;
    private static final int CALM_STEPS = 150;

    /** The report of each K, read back after all of them ran. */
    private static final Map<Integer, Path> REPORTS = new TreeMap<>();

    @BeforeAll
    static void oneThread() {
        Backend.setThreads(1); // tiny models are bound by per-op overhead; a second thread only adds contention
    }

    @ParameterizedTest(name = "K = {0}")
    @ValueSource(ints = {1, 2, 4, 8})
    void ablation(int k, Experiment experiment, NDManager root) {
        Rng rng = experiment.rng();
        MetricsRecorder metrics = experiment.metrics();
        TinyTraining.Data data = TinyTraining.counting(experiment, k);
        metrics.record("k", k);

        Autoencoder ae = EnergyFixtures.autoencoder(TinyTraining.autoencoderConfig(data.vocabSize(), k), root, rng.fork("autoencoder"));
        TinyTraining.fit(new AutoencoderObjective(ae), data.train(), AUTOENCODER_STEPS, 6e-3, "autoencoder", experiment);
        double accuracy = ReconstructionEval.sweep(ae, data.heldOut(), 8, new double[] {0}, rng.fork("reconstruction"))
                .get(0).tokenAccuracy();
        metrics.record("reconstruction_accuracy", accuracy);

        Calm calm = new Calm(CalmConfig.tiny(data.vocabSize(), k, TinyTraining.LATENT), ae);
        calm.initialize(root, rng.fork("calm"));
        CalmObjective objective = new CalmObjective(calm);
        double before = objective.heldOutLoss(data.heldOut(), 8, rng.fork("held-out"));
        TinyTraining.fit(objective, data.train(), CALM_STEPS, 3e-3, "calm", experiment);
        double after = objective.heldOutLoss(data.heldOut(), 8, rng.fork("held-out"));
        metrics.record("energy_loss_before", before).record("energy_loss_after", after);

        BrierLM.Result brier = new BrierEvaluator(calm).evaluate(data.heldOut(), 8, rng.fork("brier"));
        for (int n = 1; n <= 4; n++) {
            metrics.record("brier_" + n, brier.brier()[n - 1]);
        }
        metrics.record("brier_lm", brier.brierLM());
        LOG.info("K = {}: reconstruction {}, energy loss {} -> {}, {}", k, accuracy, before, after, brier.describe());
        REPORTS.put(k, experiment.reportFile());

        double blind = ContextBlind.brier1Bound(data.heldOut(), k);
        metrics.record("brier_1_context_blind_bound", blind);
        LOG.info("K = {}: a context-blind model's Brier-1 is at most {}", k, blind);
        // measured (seed 5): reconstruction 0.98, 0.96, 0.94, 0.90 and loss ratio after/before 0.44, 0.30, 0.38,
        // 0.41 for K = 1, 2, 4, 8; Brier-1 0.30, 0.68, 0.45, -0.02 (150 steps are far from learning the count) against
        // context-blind bounds of 0.058, 0.060, 0.068, 0.088: z = 7.1, 13, 6.1 for K <= 4
        assertTrue(accuracy > 0.85, "reconstruction accuracy " + accuracy);
        assertTrue(after < 0.6 * before, "held-out energy loss " + before + " -> " + after);
        if (k <= 4) { // at K = 8, 150 steps do not learn the count: no claim
            double z = (brier.brier()[0] - blind) / brier.standardError()[0];
            assertTrue(z > 3, "Brier-1 should beat the context-blind bound " + blind + ": " + brier.describe());
        }
    }

    @AfterAll
    static void everyKLeftAReport() {
        assertEquals(4, REPORTS.size(), "one report per K: " + REPORTS.keySet());
        REPORTS.forEach((k, file) -> {
            ExperimentReport report = ExperimentReport.read(file);
            assertEquals(k, report.metrics().get("k").intValue(), file.toString());
            assertTrue(report.metrics().containsKey("brier_lm"), file.toString());
            assertTrue(report.steps().size() > 10, "loss curves of " + file);
        });
    }
}
