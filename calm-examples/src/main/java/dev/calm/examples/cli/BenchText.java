/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.config.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text and the aggregates of {@code calm bench}: one line per measured section, medians over rounds, and the
 * ratios to the PyTorch peer taken round by round (paired, so that a machine whose speed drifts between rounds
 * does not move them) before their median.
 */
final class BenchText {

    private static final List<String> MODELS = List.of("baseline", "autoencoder", "calm");

    private BenchText() {}

    /**
     * Prints one section of a round.
     *
     * @param section engine, baseline, autoencoder, calm or comparison
     * @param f its figures
     * @param genBatch the batched generation's size
     */
    static void print(PrintWriter out, String section, ObjectNode f, int genBatch) {
        String batched = "_batch" + genBatch;
        switch (section) {
            case "engine" -> {
                StringBuilder shapes = new StringBuilder();
                f.get("matmul_gflops_model").properties().forEach(e -> shapes.append(shapes.isEmpty() ? "" : ", ")
                        .append(e.getKey()).append(' ').append(num(e.getValue(), "%.0f")));
                out.printf(Locale.ROOT, "engine: matmul %s GFLOP/s at 1024^2 on %d threads (%s); copy %s GB/s on 1 "
                        + "thread, %s on %d%n", num(f.get("matmul_gflops_1024"), "%.0f"), f.get("threads").asInt(), shapes,
                        num(f.get("copy_gb_per_s_1_thread"), "%.1f"), num(f.get("copy_gb_per_s"), "%.1f"),
                        f.get("threads").asInt());
            }
            case "baseline", "calm" -> {
                out.printf(Locale.ROOT, "%-11s %,11d parameters | %s | generate %s tokens/s (%s calls/step), %s at "
                        + "batch %d (%s calls/step)%n", section, f.get("parameters").asLong(), training(f),
                        num(f.get("generate_tokens_per_s_batch1"), "%,.0f"), num(f.get("ops_per_generation_step"), "%.0f"),
                        num(f.get("generate_tokens_per_s" + batched), "%,.0f"), genBatch,
                        num(f.get("ops_per_generation_step" + batched), "%.0f"));
                if (section.equals("calm")) {
                    out.printf(Locale.ROOT, "            batch-1 step at %s of the memory-bandwidth bound (%.1f MB of "
                            + "weights per step: %s tokens/s at the 1-thread copy bandwidth)%n",
                            percent(f.get("bandwidth_bound_fraction_batch1")), f.get("decode_weight_bytes").asDouble() / 1e6,
                            num(f.get("bandwidth_bound_tokens_per_s_batch1"), "%,.0f"));
                }
            }
            case "autoencoder" -> out.printf(Locale.ROOT, "%-11s %,11d parameters | %s | decode %s tokens/s (%s calls),"
                    + " %s at batch %d%n", section, f.get("parameters").asLong(), training(f),
                    num(f.get("generate_tokens_per_s_batch1"), "%,.0f"), num(f.get("ops_per_generation_step"), "%.0f"),
                    num(f.get("generate_tokens_per_s" + batched), "%,.0f"), genBatch);
            case "comparison" -> out.printf(Locale.ROOT, "calm / baseline: training %s, generation %s at batch 1, %s at "
                    + "batch %d; calls per generation step %s; inference FLOPs per token %s%n",
                    times(f.get("train_tokens_per_s_ratio")), times(f.get("generate_speedup_batch1")),
                    times(f.get("generate_speedup" + batched)), genBatch, times(f.get("ops_per_generation_step_ratio")),
                    times(f.get("inference_flops_ratio")));
            default -> throw new IllegalArgumentException(section);
        }
    }

    /** Prints one round of the PyTorch peer. */
    static void printPeer(PrintWriter out, ObjectNode p, int genBatch) {
        String batched = "generate_tokens_per_s_batch" + genBatch;
        out.printf(Locale.ROOT, "pytorch %s: matmul %s GFLOP/s at 1024^2", p.path("engine").path("torch").asText(),
                num(p.path("engine").get("matmul_gflops_1024"), "%.0f"));
        for (String model : MODELS) {
            JsonNode m = p.path(model);
            out.printf(Locale.ROOT, " | %s train %s, %s %s / %s", model, num(m.get("train_tokens_per_s"), "%,.0f"),
                    model.equals("autoencoder") ? "decode" : "generate", num(m.get("generate_tokens_per_s_batch1"), "%,.0f"),
                    num(m.get(batched), "%,.0f"));
        }
        out.println(" tokens/s");
    }

    /** Prints the ratios to the peer. */
    static void printRatios(PrintWriter out, ObjectNode r, int genBatch, int rounds) {
        String batched = "generate_tokens_per_s_batch" + genBatch;
        out.printf(Locale.ROOT, "calm-java / pytorch eager, median of %d paired round(s): matmul at 1024^2 %s", rounds,
                times(r.path("engine").get("matmul_gflops_1024")));
        for (String model : MODELS) {
            JsonNode m = r.path(model);
            out.printf(Locale.ROOT, "; %s training %s, %s %s at batch 1, %s at batch %d", model,
                    times(m.get("train_tokens_per_s")), model.equals("autoencoder") ? "decoding" : "generation",
                    times(m.get("generate_tokens_per_s_batch1")), times(m.get(batched)), genBatch);
        }
        out.println();
    }

    /**
     * The median of every number over rounds, key by key (nulls and missing values left out; null when none).
     *
     * @param rounds trees of the same shape
     * @return their median tree
     */
    static ObjectNode medians(List<ObjectNode> rounds) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = rounds.get(0).properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            if (e.getValue().isObject()) {
                List<ObjectNode> children = new ArrayList<>();
                rounds.forEach(r -> children.add((ObjectNode) r.get(key)));
                out.set(key, medians(children));
            } else if (e.getValue().isNumber() || e.getValue().isNull()) {
                List<JsonNode> values = rounds.stream().map(r -> r.get(key)).toList();
                boolean whole = values.stream().allMatch(v -> v == null || v.isNull() || v.isIntegralNumber());
                Double median = median(values);
                if (whole && median != null && median == Math.rint(median)) {
                    out.put(key, median.longValue()); // counts stay whole numbers
                } else {
                    out.put(key, median);
                }
            } else {
                out.set(key, e.getValue());
            }
        }
        return out;
    }

    /**
     * Ours over theirs for every number both measured, round by round, then the median of the ratios.
     *
     * @param ours our rounds
     * @param theirs the peer's rounds, paired with ours by index
     * @return the median ratios, in the peer's sections
     */
    static ObjectNode pairedRatios(List<ObjectNode> ours, List<ObjectNode> theirs) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (String section : List.of("engine", "baseline", "autoencoder", "calm")) {
            ObjectNode s = out.putObject(section);
            theirs.get(0).path(section).fieldNames().forEachRemaining(key -> {
                List<JsonNode> ratios = new ArrayList<>();
                for (int i = 0; i < ours.size(); i++) {
                    JsonNode a = ours.get(i).path(section).get(key);
                    JsonNode b = theirs.get(i).path(section).get(key);
                    if (a != null && b != null && a.isNumber() && b.isNumber() && b.asDouble() != 0) {
                        ratios.add(Json.MAPPER.getNodeFactory().numberNode(a.asDouble() / b.asDouble()));
                    }
                }
                if (!ratios.isEmpty()) {
                    s.put(key, median(ratios));
                }
            });
        }
        return out;
    }

    private static Double median(List<JsonNode> values) {
        double[] v = values.stream().filter(n -> n != null && n.isNumber()).mapToDouble(JsonNode::asDouble).sorted()
                .toArray();
        if (v.length == 0) {
            return null;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String training(JsonNode f) {
        if (f.get("train_tokens_per_s").isNull()) {
            return "train not measured";
        }
        return String.format(Locale.ROOT, "train %s tokens/s, MFU %s, %s calls/step",
                num(f.get("train_tokens_per_s"), "%,.0f"), percent(f.get("train_mfu")),
                num(f.get("ops_per_training_step"), "%,.0f"));
    }

    private static String num(JsonNode n, String format) {
        return n == null || !n.isNumber() ? "-" : String.format(Locale.ROOT, format, n.asDouble());
    }

    private static String percent(JsonNode n) {
        return n == null || !n.isNumber() ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * n.asDouble());
    }

    private static String times(JsonNode n) {
        return n == null || !n.isNumber() ? "-" : String.format(Locale.ROOT, "%.2fx", n.asDouble());
    }
}
