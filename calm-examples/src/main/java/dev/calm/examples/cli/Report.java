/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.io.AtomicFiles;
import dev.calm.examples.pipeline.GenerationStage;
import dev.calm.examples.pipeline.RunModels;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart's {@code report.md}, rendered from {@code summary.json} alone, so that every figure of the report
 * is in the summary under a stable key: the run and its budget, the corpora, the autoencoder's reconstruction, the
 * comparison of CALM with the token baseline in the columns of the paper's table (parameters, training and
 * inference FLOPs, BrierLM) and ours (Brier-1..4, speed), BrierLM on every held-out corpus, the continuations,
 * and the plots.
 */
final class Report {

    /** The file in the run directory. */
    static final String FILE = "report.md";

    private final StringBuilder md = new StringBuilder();

    private Report() {}

    /**
     * @param summary the run's summary
     * @return the Markdown report
     */
    static String render(JsonNode summary) {
        Report r = new Report();
        r.run(summary.get("run"));
        r.corpora(summary.get("corpus"), summary.get("tokenizer"));
        r.autoencoder(summary.get("autoencoder"));
        r.compare(summary);
        r.heldOut(summary);
        r.samples(summary.get("samples"));
        r.line("## Plots");
        r.line("");
        r.line("![Training curves](" + Plots.CURVES + ")");
        r.line("");
        r.line("![Brier-1 and BrierLM against training FLOPs](" + Plots.BRIER + ")");
        r.line("");
        r.line("![CALM's head diagnostics during training](" + Plots.DIAGNOSTICS + ")");
        return r.md.toString();
    }

    /**
     * Writes the report atomically.
     *
     * @param runDir the run directory
     * @param summary the run's summary
     * @return the file
     */
    static Path write(Path runDir, JsonNode summary) {
        Path file = runDir.resolve(FILE);
        AtomicFiles.writeString(file, render(summary));
        return file;
    }

    private void run(JsonNode run) {
        line("# CALM quickstart report");
        line("");
        line(f("Run on %s with %d threads, seed %d: %.1f min against a budget of %.1f min.", run.get("device").asText(),
                run.get("threads").asInt(), run.get("seed").asLong(), run.get("minutes").asDouble(),
                run.get("budget_minutes").asDouble()));
        line("");
        line("| stage | seconds |");
        line("|---|---:|");
        run.get("stage_seconds").properties().forEach(e -> line(f("| %s | %.0f |", e.getKey(),
                e.getValue().asDouble())));
        line("");
    }

    private void corpora(JsonNode corpus, JsonNode tokenizer) {
        line("## Corpus and tokenizer");
        line("");
        line(f("Byte-level BPE with %d ids.", tokenizer.get("vocab_size").asInt()));
        line("");
        line("| corpus | documents | bytes | tokens | bytes/token |");
        line("|---|---:|---:|---:|---:|");
        corpus.properties().forEach(e -> line(f("| %s | %,d | %,d | %,d | %.2f |", e.getKey(),
                e.getValue().get("documents").asLong(), e.getValue().get("bytes").asLong(),
                e.getValue().get("tokens").asLong(), e.getValue().get("bytes_per_token").asDouble())));
        line("");
    }

    private void autoencoder(JsonNode ae) {
        line("## Autoencoder (CALM's first stage)");
        line("");
        line(f("%,d parameters (d %d, K %d, l %d); %,d steps in %.0f s at %,.0f tokens/s. Validation token accuracy "
                + "%.2f%%, %.2f%% with Gaussian noise of sigma %.1f on the latent.", ae.get("parameters").asLong(),
                ae.get("hidden_size").asInt(), ae.get("patch_size").asInt(), ae.get("latent_size").asInt(),
                ae.path("steps").asLong(), ae.path("train_seconds").asDouble(),
                ae.path("train_tokens_per_s").asDouble(), 100 * ae.path("token_accuracy").asDouble(),
                100 * ae.path("token_accuracy_noise").asDouble(), ae.get("noise_sigma").asDouble()));
        line("");
        line("| corpus | sigma | token accuracy | chunk accuracy |");
        line("|---|---:|---:|---:|");
        ae.get("sweep").properties().forEach(e -> {
            for (JsonNode row : e.getValue()) {
                line(f("| %s | %.2f | %.2f%% | %.2f%% |", e.getKey(), row.get("sigma").asDouble(),
                        100 * row.get("tokenAccuracy").asDouble(), 100 * row.get("chunkAccuracy").asDouble()));
            }
        });
        line("");
    }

    /**
     * @param summary the run's summary
     * @return the comparison of CALM with the baseline, as printed at the end of the quickstart
     */
    static String comparison(JsonNode summary) {
        Report r = new Report();
        r.compare(summary);
        return r.md.toString();
    }

    private void compare(JsonNode summary) {
        line("## CALM and the token baseline");
        line("");
        line("The paper's comparison table (BrierLM on the validation split):");
        line("");
        line("| model | parameters | training FLOPs | inference FLOPs/token | BrierLM |");
        line("|---|---:|---:|---:|---:|");
        for (String model : RunSummary.MODELS) {
            JsonNode m = summary.get(model);
            line(f("| %s | %,d | %.3g | %.3g | %s |", model, m.get("parameters").asLong(),
                    m.get("train_flops").asDouble(), m.get("inference_flops_per_token").asDouble(), brierLM(m)));
        }
        line("");
        line("Training, the Brier-n behind BrierLM (mean ± standard error), and generation speed with the KV cache:");
        line("");
        line(f("| model | steps | train tokens/s | held-out loss | Brier-1 | Brier-2 | Brier-3 | Brier-4 "
                + "| generate tokens/s, batch 1 | batch %d |", GenerationStage.BATCH));
        line("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        for (String model : RunSummary.MODELS) {
            JsonNode m = summary.get(model);
            line(f("| %s | %,d | %,.0f | %.3f -> %.3f | %s | %s | %s | %s | %,.0f | %,.0f |", model,
                    m.get("steps").asLong(), m.get("train_tokens_per_s").asDouble(),
                    m.get("val_loss_before").asDouble(), m.get("val_loss_after").asDouble(), brier(m, 1),
                    brier(m, 2), brier(m, 3), brier(m, 4), m.get("generate_tokens_per_s").asDouble(),
                    m.get("generate_tokens_per_s_batch" + GenerationStage.BATCH).asDouble()));
        }
        JsonNode references = summary.path("reference");
        for (String name : RunModels.REFERENCES) {
            JsonNode m = references.get(name);
            if (m != null) {
                line(f("| %s sampler (reference) | | | | %s | %s | %s | %s | | |", name, brier(m, 1), brier(m, 2),
                        brier(m, 3), brier(m, 4)));
            }
        }
        line("");
        terms(summary, references);
        line(f("Evaluation during training and checkpoints took %.1f%% of CALM's training time and %.1f%% of the "
                + "baseline's.", 100 * summary.get("calm").path("train_overhead_share").asDouble(),
                100 * summary.get("baseline").path("train_overhead_share").asDouble()));
        JsonNode c = summary.get("comparison");
        line(f("CALM / baseline: generation %.1fx at batch 1 and %.1fx at batch %d, training throughput %.1fx, "
                + "inference FLOPs per token %.2fx.", c.get("generate_speedup").asDouble(),
                c.get("generate_speedup_batch" + GenerationStage.BATCH).asDouble(), GenerationStage.BATCH,
                c.get("train_tokens_per_s_ratio").asDouble(), c.get("inference_flops_ratio").asDouble()));
        line("The reference samplers are counted on the training split and draw each token from the unigram "
                + "distribution, or from the bigram distribution given the previous token: a model that learned "
                + "nothing from its context scores the unigram's Brier-1.");
        line("The held-out loss is CALM's energy loss and the baseline's cross-entropy; they are not comparable, "
                + "BrierLM is. BrierLM = 100 (Brier-1 Brier-2 Brier-3 Brier-4)^(1/4) is undefined, never clipped, "
                + "when a Brier-n is not positive, as it is for models too small to reproduce 3- and 4-token "
                + "continuations.");
        line("");
    }

    /** Each Brier-n as 2 accuracy - collision: why a Brier-n is small or not positive. */
    private void terms(JsonNode summary, JsonNode references) {
        if (!summary.get("calm").has("accuracy1")) {
            return; // a summary written before the terms were recorded
        }
        line("Each Brier-n is 2 accuracy - collision: accuracy P(x[:n] = y[:n]) is how often a sample is the "
                + "truth, collision sum_g P(g)^2 how often two samples agree. A Brier-n at or below 0 comes from "
                + "collisions above twice the accuracy (a model that repeats a few continuations) or from both near 0.");
        line("");
        line("| model | accuracy 1 | collision 1 | accuracy 2 | collision 2 | accuracy 3 | collision 3 | accuracy 4 "
                + "| collision 4 |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (String model : RunSummary.MODELS) {
            rows.put(model, summary.get(model));
        }
        for (String name : RunModels.REFERENCES) {
            if (references.has(name)) {
                rows.put(name + " sampler (reference)", references.get(name));
            }
        }
        rows.forEach((name, m) -> {
            StringBuilder sb = new StringBuilder("| " + name + " |");
            for (int n = 1; n <= 4; n++) {
                sb.append(f(" %.3g | %.3g |", m.path("accuracy" + n).asDouble(Double.NaN),
                        m.path("collision" + n).asDouble(Double.NaN)));
            }
            line(sb.toString());
        });
        line("");
    }

    private void heldOut(JsonNode summary) {
        Iterator<Map.Entry<String, JsonNode>> corpora = summary.get("calm").get("held_out").properties().iterator();
        if (!corpora.hasNext()) {
            return;
        }
        line("## BrierLM on the other held-out corpora");
        line("");
        line("| model | corpus | Brier-1 | Brier-2 | Brier-3 | Brier-4 | BrierLM |");
        line("|---|---|---:|---:|---:|---:|---:|");
        for (String model : RunSummary.MODELS) {
            summary.get(model).get("held_out").properties().forEach(e -> line(f("| %s | %s | %s | %s | %s | %s "
                    + "| %s |", model, e.getKey(), brier(e.getValue(), 1), brier(e.getValue(), 2),
                    brier(e.getValue(), 3), brier(e.getValue(), 4), brierLM(e.getValue()))));
        }
        line("");
    }

    private void samples(JsonNode samples) {
        line("## Continuations");
        line("");
        for (JsonNode s : samples) {
            line(f("- %s, T = %.1f: **%s**%s", s.get("model").asText(), s.get("temperature").asDouble(),
                    plain(s.get("prompt").asText()), plain(s.get("continuation").asText())));
        }
        line("");
    }

    private static String brier(JsonNode m, int n) {
        return f("%.3g ± %.2g", m.get("brier" + n).asDouble(), m.get("brier" + n + "_se").asDouble());
    }

    private static String brierLM(JsonNode m) {
        JsonNode b = m.get("brierlm");
        return b == null || b.isNull() ? "undefined"
                : f("%.3g ± %.2g", b.asDouble(), m.get("brierlm_se").asDouble());
    }

    /** Generated text as Markdown shows it: one line, with Markdown's special characters escaped. */
    private static String plain(String text) {
        return text.replace('\n', ' ').replaceAll("([\\\\`*_\\[\\]<>#|~])", "\\\\$1");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
