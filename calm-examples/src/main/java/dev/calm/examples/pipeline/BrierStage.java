/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.energy.StepModel;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.training.TaskProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BrierLM of each model on each held-out corpus (paper, section 4): the same blocks for every model, Brier-1..4
 * with their standard errors, and BrierLM, or "undefined" when a Brier-n is not positive (small models).
 */
public final class BrierStage {

    /** Blocks per forward pass. */
    private static final int BATCH = 8;
    /**
     * Samples per position of the sampled estimator for a model whose step gives the 4 tokens (CALM with K &gt;= 4):
     * the paper's two-sample estimate averaged over the 28 pairs of 8 samples, five times less variance per position
     * (docs/measured.md) for the cost of 8 head samples and decodes instead of 2.
     */
    public static final int SAMPLES = 8;

    /**
     * One model on one corpus.
     *
     * @param model the model's name
     * @param corpus the held-out corpus
     * @param estimator how Brier-n was estimated
     * @param samples samples per position of the sampled estimator (2 for the probability estimator's paths)
     * @param positions positions scored
     * @param brier Brier-1..4
     * @param standardError their standard errors
     * @param brierLM 100 (Brier-1 Brier-2 Brier-3 Brier-4)^(1/4), null when undefined (a Brier-n is not positive)
     * @param brierLMStandardError its standard error (delta method), null when undefined
     * @param accuracy the accuracy terms P(x[:n] = y[:n]) of Brier-1..4 ({@link BrierLM#terms()})
     * @param collision the collision terms sum_g P(g)^2 of Brier-1..4: Brier-n = 2 accuracy - collision
     * @param seconds evaluation wall time
     */
    public record Row(String model, String corpus, String estimator, int samples, long positions, double[] brier,
            double[] standardError, Double brierLM, Double brierLMStandardError, double[] accuracy,
            double[] collision, double seconds) {}

    private BrierStage() {}

    /**
     * @param file where the rows are written as JSON, or null to only print them
     * @param models the models by name
     * @param heldOut held-out corpora by name, in memory or streamed from a prepared corpus
     * @param tokens tokens evaluated per corpus (whole blocks, the same blocks for every model)
     * @param seed seed of the blocks and of the models' samples
     * @param out where the table is printed
     * @return the rows, model by model
     */
    public static List<Row> run(Path file, Map<String, StepModel> models, Map<String, SplitBlocks> heldOut, int tokens,
            long seed, PrintWriter out) {
        List<Row> rows = new ArrayList<>();
        out.printf(Locale.ROOT, "| model | corpus | positions | Brier-1 | Brier-2 | Brier-3 | Brier-4 | BrierLM |%n");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, SplitBlocks> corpus : heldOut.entrySet()) {
            SplitBlocks blocks = corpus.getValue();
            int[][] sequences = blocks.sample(Math.max(1, tokens / blocks.blockLength()));
            for (Map.Entry<String, StepModel> m : models.entrySet()) {
                long start = System.nanoTime();
                BrierEvaluator evaluator = BrierEvaluator.lowestVariance(m.getValue(), SAMPLES);
                Rng rng = new Rng(seed).fork("brier " + m.getKey() + " " + corpus.getKey());
                BrierLM total = new BrierLM();
                try (TaskProgress progress = TaskProgress.open("BrierLM " + m.getKey(), sequences.length, "blocks")) {
                    for (int from = 0; from < sequences.length; from += BATCH) {
                        int to = Math.min(sequences.length, from + BATCH);
                        evaluator.evaluate(Arrays.copyOfRange(sequences, from, to), total, rng);
                        progress.stepBy(to - from);
                    }
                }
                BrierLM.Result r = total.result();
                BrierLM.Terms terms = total.terms();
                Row row = new Row(m.getKey(), corpus.getKey(), evaluator.estimator().name().toLowerCase(Locale.ROOT),
                        evaluator.samples(), r.positions(), r.brier(), r.standardError(), r.defined() ? r.brierLM() : null,
                        r.defined() ? r.brierLMStandardError() : null, terms.accuracy(), terms.collision(),
                        (System.nanoTime() - start) / 1e9);
                rows.add(row);
                out.printf(Locale.ROOT, "| %s | %s | %,d | %s | %s | %s | %s | %s |%n", row.model(), row.corpus(),
                        row.positions(), pm(r, 0), pm(r, 1), pm(r, 2), pm(r, 3),
                        r.defined() ? String.format(Locale.ROOT, "%.3g ± %.2g", r.brierLM(), r.brierLMStandardError())
                                : "undefined");
                out.flush();
            }
        }
        out.println("(mean ± standard error over positions; BrierLM is undefined when a Brier-n is not positive)");
        if (file != null) {
            Json.write(file, rows);
        }
        return rows;
    }

    private static String pm(BrierLM.Result r, int n) {
        return String.format(Locale.ROOT, "%.3g ± %.2g", r.brier()[n], r.standardError()[n]);
    }
}
