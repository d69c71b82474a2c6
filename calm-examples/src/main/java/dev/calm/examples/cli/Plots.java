/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.AtomicFiles;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.training.MetricsLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The quickstart's PNG plots, drawn with XChart from the stages' {@code metrics.jsonl} and the final
 * {@code summary.json}: {@value #CURVES} (the training curves of the autoencoder, CALM and the baseline, with their
 * held-out losses), {@value #BRIER} (Brier-1 and BrierLM of both models against training FLOPs; a point where
 * BrierLM is undefined is left out) and {@value #DIAGNOSTICS} (CALM's head diagnostics during training: Brier-1 and
 * first-token accuracy of its samples, the share on the manifold, and their distance to the true next chunk over
 * their distance to a random one).
 */
final class Plots {

    /** The training curves. */
    static final String CURVES = "training-curves.png";
    /** BrierLM and Brier-1 against training FLOPs. */
    static final String BRIER = "brierlm-vs-flops.png";
    /** CALM's head diagnostics against steps. */
    static final String DIAGNOSTICS = "calm-diagnostics.png";

    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;

    private Plots() {}

    /**
     * Draws both figures into the run directory.
     *
     * @param runDir the quickstart's run directory
     * @param summary its summary (the final BrierLM points)
     * @return the files written
     */
    static List<Path> draw(Path runDir, JsonNode summary) {
        System.setProperty("java.awt.headless", "true");
        List<XYChart> curves = new ArrayList<>();
        curves.add(curve("autoencoder", runDir.resolve("autoencoder"), "step", "loss (CE + KL)", "val_token_accuracy"));
        for (String model : RunSummary.MODELS) {
            curves.add(curve(model, runDir.resolve(model), "train_flops",
                    model.equals("calm") ? "energy loss" : "cross-entropy", "val_loss"));
        }
        Path curvesFile = runDir.resolve(CURVES);
        save(curves, 1, curves.size(), curvesFile);
        List<XYChart> brier = List.of(brierChart(runDir, summary, "val_brier1", "brier1", "Brier-1"),
                brierChart(runDir, summary, "val_brierlm", "brierlm", "BrierLM"));
        Path brierFile = runDir.resolve(BRIER);
        save(brier, 1, brier.size(), brierFile);
        Path diagnosticsFile = runDir.resolve(DIAGNOSTICS);
        save(diagnostics(runDir.resolve(RunModels.CALM)), 1, 2, diagnosticsFile);
        return List.of(curvesFile, brierFile, diagnosticsFile);
    }

    /**
     * CALM's head diagnostics against steps: what the samples score, how often two of them agree (above the
     * accuracy: overconfident), and whether they depend on the context and land on the manifold.
     */
    private static List<XYChart> diagnostics(Path calmDir) {
        List<JsonNode> lines = new MetricsLog(calmDir).read();
        XYChart scores = chart("CALM's samples (held out)", "step", "per sample");
        addSeries(scores, "Brier-1", lines, "step", "head_brier1", l -> true);
        addSeries(scores, "first-token accuracy", lines, "step", "head_first_token_accuracy", l -> true);
        // a calibrated head's two samples agree as often as a sample agrees with the data
        addSeries(scores, "two samples agree on the first token", lines, "step", "head_collision_1", l -> true);
        XYChart geometry = chart("Where CALM's samples land (held out)", "step", "share or ratio");
        addSeries(geometry, "on the manifold", lines, "step", "head_on_manifold", l -> true);
        List<JsonNode> ratios = new ArrayList<>();
        for (JsonNode l : lines) {
            if (l.has("head_distance_true") && l.has("head_distance_random")) {
                ratios.add(Json.MAPPER.createObjectNode().put("step", l.get("step").asDouble()).put("ratio",
                        l.get("head_distance_true").asDouble() / l.get("head_distance_random").asDouble()));
            }
        }
        addSeries(geometry, "distance to the true chunk / to a random one", ratios, "step", "ratio", l -> true);
        for (XYChart c : List.of(scores, geometry)) {
            if (c.getSeriesMap().isEmpty()) { // XChart cannot draw an empty chart
                c.addSeries("no diagnostics logged", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
            }
        }
        return List.of(scores, geometry);
    }

    /** One stage's training loss (and a held-out figure) against steps or training FLOPs. */
    private static XYChart curve(String title, Path dir, String x, String lossName, String heldOut) {
        XYChart chart = chart(title, x.equals("step") ? "step" : "training FLOPs", lossName);
        List<JsonNode> lines = new MetricsLog(dir).read();
        addSeries(chart, "train", lines, x, "loss", l -> true);
        boolean accuracy = heldOut.equals("val_token_accuracy");
        String heldOutName = accuracy ? "held-out token accuracy (right axis)" : "held out";
        addSeries(chart, heldOutName, lines, x, heldOut, l -> l.has(heldOut));
        if (accuracy && chart.getSeriesMap().containsKey(heldOutName)) { // a share, on its own axis
            chart.getSeriesMap().get(heldOutName).setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, "token accuracy");
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        return chart;
    }

    /** One Brier figure of both models against training FLOPs: the curve during training and the final point. */
    private static XYChart brierChart(Path runDir, JsonNode summary, String metric, String finalKey, String title) {
        XYChart chart = chart(title + " against training FLOPs (held out)", "training FLOPs", title);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW); // the curves rise to the right
        double lowest = Double.POSITIVE_INFINITY;
        double highest = 0;
        for (String model : RunSummary.MODELS) {
            List<JsonNode> lines = new MetricsLog(runDir.resolve(model)).read();
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (JsonNode l : lines) {
                if (l.has(metric) && l.has("train_flops")) {
                    xs.add(l.get("train_flops").asDouble());
                    ys.add(l.get(metric).asDouble());
                }
            }
            JsonNode last = summary.get(model).get(finalKey);
            if (last != null && last.isNumber()) {
                xs.add(summary.get(model).get("train_flops").asDouble());
                ys.add(last.asDouble());
            }
            if (!xs.isEmpty()) {
                chart.addSeries(model, xs, ys).setMarker(SeriesMarkers.CIRCLE);
                lowest = Math.min(lowest, xs.get(0));
                highest = Math.max(highest, xs.get(xs.size() - 1));
            }
        }
        // a log axis labels only powers of ten: worth it when the points span at least one
        chart.getStyler().setXAxisLogarithmic(highest >= 10 * lowest);
        if (chart.getSeriesMap().isEmpty()) { // XChart cannot draw an empty chart
            chart.setTitle(title + ": undefined for both models at every point");
            chart.addSeries("undefined", new double[] {1}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setXAxisDecimalPattern(xTitle.contains("FLOPs") ? "0.0E0" : "#,###");
        chart.getStyler().setYAxisDecimalPattern("#.####");
        return chart;
    }

    private static void addSeries(XYChart chart, String name, List<JsonNode> lines, String x, String y,
            Predicate<JsonNode> keep) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (JsonNode l : lines) {
            if (keep.test(l) && l.has(x) && l.has(y) && Double.isFinite(l.get(y).asDouble())) {
                xs.add(l.get(x).asDouble());
                ys.add(l.get(y).asDouble());
            }
        }
        if (!xs.isEmpty()) {
            chart.addSeries(name, xs, ys).setMarker(xs.size() > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
    }

    /** Writes the grid of charts as one PNG, through a temporary file so that a failure leaves no half image. */
    private static void save(List<XYChart> charts, int rows, int columns, Path file) {
        try {
            AtomicFiles.writeStream(file,
                    out -> BitmapEncoder.saveBitmap(charts, rows, columns, out, BitmapEncoder.BitmapFormat.PNG));
        } catch (CalmException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new CalmException("cannot draw " + file + ": " + e);
        }
    }
}
