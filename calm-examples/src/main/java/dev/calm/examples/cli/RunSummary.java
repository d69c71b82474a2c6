/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.data.CorpusStats;
import dev.calm.examples.pipeline.GenerationStage;
import dev.calm.examples.pipeline.LanguageModelStage;
import dev.calm.examples.pipeline.ModelConfigFile;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.training.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The quickstart's {@code summary.json}: every figure of {@code report.md} under a stable key, gathered from the
 * stages' files in the run directory and the few facts only the running command knows. Keys are nested objects:
 * {@code autoencoder.token_accuracy} is {@code summary["autoencoder"]["token_accuracy"]}. A BrierLM that is
 * undefined (a Brier-n not positive) is {@code null}.
 *
 * <p>Sections: {@code run}, {@code corpus.<name>}, {@code tokenizer}, {@code autoencoder} (with
 * {@code token_accuracy}, {@code chunk_accuracy} and {@code token_accuracy_noise} at {@code noise_sigma} on the
 * validation split, and the whole sweep per held-out corpus), {@code calm} and {@code baseline} (parameters,
 * training steps, time, tokens/s and FLOPs, inference FLOPs per token, held-out loss, {@code brier1} to
 * {@code brier4} with {@code _se}, their terms {@code accuracy1..4} and {@code collision1..4} (Brier-n = 2 accuracy
 * - collision), {@code brierlm}, generation tokens/s at batch 1 and batch 16, and the same
 * BrierLM figures per extra held-out corpus under {@code held_out}), {@code comparison} (ratios) and
 * {@code reference.unigram} and {@code reference.bigram} (Brier-1..4 and BrierLM of samplers counted on the
 * training split, on the same validation blocks: what a model that learned nothing, or only the previous token,
 * scores) and {@code samples} (the generated continuations).
 */
final class RunSummary {

    /** The file in the run directory. */
    static final String FILE = "summary.json";
    /** The noise level of {@code autoencoder.token_accuracy_noise}: the robustness the paper trains for. */
    static final double NOISE_SIGMA = 0.3;
    /** The models compared, in report order: each is a stage directory of the run. */
    static final List<String> MODELS = List.of(RunModels.CALM, RunModels.BASELINE);

    /**
     * What only the running command knows.
     *
     * @param budgetMinutes the {@code --minutes} budget
     * @param seconds wall time of the whole run so far
     * @param stageSeconds wall time of each stage in this session
     * @param device the device the models ran on
     * @param threads intra-op threads
     * @param seed the run's seed
     * @param vocabSize the tokenizer's vocabulary
     * @param corpora statistics of each corpus ("train" and the held-out ones)
     * @param autoencoderParameters the autoencoder's parameter count
     * @param inferenceFlops inference FLOPs per token of each model, by name
     */
    record Facts(double budgetMinutes, double seconds, Map<String, Double> stageSeconds, String device, int threads,
            long seed, int vocabSize, Map<String, CorpusStats> corpora, long autoencoderParameters,
            Map<String, Double> inferenceFlops) {}

    private RunSummary() {}

    /**
     * @param runDir the quickstart's run directory, with every stage done
     * @param facts what the command knows
     * @return the summary
     */
    static ObjectNode collect(Path runDir, Facts facts) {
        ObjectNode summary = Json.MAPPER.createObjectNode();
        ObjectNode run = summary.putObject("run");
        run.put("budget_minutes", facts.budgetMinutes());
        run.put("minutes", facts.seconds() / 60);
        run.put("device", facts.device());
        run.put("threads", facts.threads());
        run.put("seed", facts.seed());
        ObjectNode stages = run.putObject("stage_seconds");
        facts.stageSeconds().forEach(stages::put);
        ObjectNode corpus = summary.putObject("corpus");
        facts.corpora().forEach((name, s) -> {
            ObjectNode c = corpus.putObject(name);
            c.put("documents", s.documents());
            c.put("bytes", s.bytes());
            c.put("tokens", s.tokens());
            c.put("bytes_per_token", s.bytesPerToken());
        });
        summary.putObject("tokenizer").put("vocab_size", facts.vocabSize());
        autoencoder(summary.putObject("autoencoder"), runDir.resolve("autoencoder"), facts);

        JsonNode brier = read(runDir.resolve("brier.json"));
        JsonNode generation = read(runDir.resolve("generation.json"));
        for (String model : MODELS) {
            ObjectNode m = summary.putObject(model);
            LanguageModelStage.Summary s =
                    LanguageModelStage.Summary.read(present(runDir.resolve(model).resolve(LanguageModelStage.SUMMARY)));
            m.put("parameters", s.parameters());
            m.put("steps", s.steps());
            m.put("train_seconds", s.seconds());
            m.put("train_tokens_per_s", s.tokensPerSecond());
            m.put("train_flops", s.trainFlops());
            m.put("train_overhead_seconds", s.overheadSeconds());
            m.put("train_overhead_share", s.overheadSeconds() / s.seconds());
            m.put("inference_flops_per_token", facts.inferenceFlops().get(model));
            m.put("val_loss_before", s.heldOutBefore());
            m.put("val_loss_after", s.heldOutAfter());
            ObjectNode heldOut = m.putObject("held_out");
            for (JsonNode row : brier) {
                if (row.get("model").asText().equals(model)) {
                    boolean validation = row.get("corpus").asText().equals("validation");
                    brierFigures(validation ? m : heldOut.putObject(row.get("corpus").asText()), row);
                }
            }
            for (JsonNode speed : generation.get("speed")) {
                if (speed.get("model").asText().equals(model)) {
                    m.put("generate_tokens_per_s", speed.get("batch1").asDouble());
                    m.put("generate_tokens_per_s_batch" + GenerationStage.BATCH, speed.get("batched").asDouble());
                    m.put("temperature_fallbacks", speed.get("fallbacks").asLong());
                }
            }
        }
        ObjectNode references = summary.putObject("reference");
        for (String name : RunModels.REFERENCES) {
            for (JsonNode row : brier) {
                if (row.get("model").asText().equals(name) && row.get("corpus").asText().equals("validation")) {
                    brierFigures(references.putObject(name), row);
                }
            }
        }
        ObjectNode ratio = summary.putObject("comparison");
        ratio.put("generate_speedup", quotient(summary, "generate_tokens_per_s"));
        ratio.put("generate_speedup_batch" + GenerationStage.BATCH,
                quotient(summary, "generate_tokens_per_s_batch" + GenerationStage.BATCH));
        ratio.put("train_tokens_per_s_ratio", quotient(summary, "train_tokens_per_s"));
        ratio.put("inference_flops_ratio", quotient(summary, "inference_flops_per_token"));
        summary.set("samples", generation.get("samples"));
        return summary;
    }

    /** The training and reconstruction figures of the autoencoder stage. */
    private static void autoencoder(ObjectNode ae, Path dir, Facts facts) {
        JsonNode config = read(dir.resolve(ModelConfigFile.NAME));
        ae.put("parameters", facts.autoencoderParameters());
        ae.put("hidden_size", config.get("hidden_size").asInt());
        ae.put("patch_size", config.get("patch_size").asInt());
        ae.put("latent_size", config.get("latent_size").asInt());
        List<JsonNode> curve = new MetricsLog(dir).read();
        if (!curve.isEmpty()) {
            JsonNode last = curve.get(curve.size() - 1);
            ae.put("steps", last.get("step").asLong());
            ae.put("train_seconds", last.get("elapsed_s").asDouble());
            ae.put("train_tokens_per_s", curve.stream().mapToDouble(l -> l.get("tokens_per_s").asDouble())
                    .average().orElse(Double.NaN));
        }
        ae.put("noise_sigma", NOISE_SIGMA);
        JsonNode sweeps = read(dir.resolve("reconstruction.json"));
        ObjectNode all = ae.putObject("sweep");
        sweeps.properties().forEach(e -> {
            all.set(e.getKey(), e.getValue());
            if (e.getKey().equals("validation")) {
                for (JsonNode row : e.getValue()) {
                    double sigma = row.get("sigma").asDouble();
                    if (sigma == 0) {
                        ae.put("token_accuracy", row.get("tokenAccuracy").asDouble());
                        ae.put("chunk_accuracy", row.get("chunkAccuracy").asDouble());
                    } else if (Math.abs(sigma - NOISE_SIGMA) < 1e-9) {
                        ae.put("token_accuracy_noise", row.get("tokenAccuracy").asDouble());
                        ae.put("chunk_accuracy_noise", row.get("chunkAccuracy").asDouble());
                    }
                }
            }
        });
    }

    /** Brier-1..4 with standard errors and BrierLM (null when undefined) of one row of {@code brier.json}. */
    private static void brierFigures(ObjectNode into, JsonNode row) {
        for (int n = 0; n < 4; n++) {
            into.put("brier" + (n + 1), row.get("brier").get(n).asDouble());
            into.put("brier" + (n + 1) + "_se", row.get("standardError").get(n).asDouble());
            if (row.hasNonNull("accuracy")) { // summaries written before the terms were recorded have none
                into.put("accuracy" + (n + 1), row.get("accuracy").get(n).asDouble());
                into.put("collision" + (n + 1), row.get("collision").get(n).asDouble());
            }
        }
        into.set("brierlm", row.get("brierLM"));
        into.set("brierlm_se", row.get("brierLMStandardError"));
        into.put("brier_positions", row.get("positions").asLong());
        into.put("brier_estimator", row.get("estimator").asText());
        into.put("brier_samples", row.get("samples").asInt());
    }

    /** CALM's figure over the baseline's. */
    private static double quotient(JsonNode summary, String key) {
        return summary.get("calm").get(key).asDouble() / summary.get("baseline").get(key).asDouble();
    }

    /**
     * @param file a JSON file a stage wrote
     * @return its tree
     * @throws CalmException when it is missing or unreadable
     */
    static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(present(file).toFile());
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * @param file a file a stage wrote
     * @return the file
     * @throws CalmException when it is missing
     */
    private static Path present(Path file) {
        if (!Files.exists(file)) {
            throw new CalmException("cannot write the report: " + file + " is missing (did a stage fail?)");
        }
        return file;
    }
}
