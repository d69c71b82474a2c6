/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics.jsonl}: one JSON object per logged step, appended as the run goes, with the keys
 * {@code step, loss, <metrics...>, lr, grad_norm, tokens_per_s, elapsed_s} (plus {@code train_flops} when the
 * objective counts them, {@code skipped} and any values hooks recorded).
 */
public final class MetricsLog {

    /** The file name in the run directory. */
    public static final String FILE = "metrics.jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private static final ObjectWriter WRITER = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /** Keys of every metrics line; an objective's metric or a hook's recorded value may not reuse them. */
    static final Set<String> RESERVED = Set.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s", "skipped",
            "train_flops");

    private final Path file;

    /** @param runDir the run directory */
    public MetricsLog(Path runDir) {
        this.file = runDir.resolve(FILE);
    }

    /** @return the path of {@code metrics.jsonl} in the run directory (it may not exist yet) */
    public Path file() {
        return file;
    }

    /**
     * Checks a name an objective or a hook wants in the line.
     *
     * @param name a metric's or recorded value's name
     * @throws CalmException if the name is empty or one of the line's own keys ({@link #RESERVED})
     */
    static void checkName(String name) {
        if (name == null || name.isBlank() || RESERVED.contains(name)) {
            throw new CalmException("metric name '" + name + "' is empty or reserved (reserved: " + new TreeSet<>(RESERVED)
                    + ")");
        }
    }

    /**
     * Builds a step's line.
     *
     * @param m the step's measurements
     * @param records values recorded by hooks
     * @return the JSON object
     */
    static ObjectNode line(StepMetrics m, Map<String, Double> records) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("step", m.step());
        o.put("loss", m.loss());
        m.metrics().forEach(o::put);
        o.put("lr", m.learningRate());
        o.put("grad_norm", m.gradNorm());
        o.put("tokens_per_s", m.tokensPerSecond());
        o.put("elapsed_s", m.elapsedSeconds());
        if (Double.isFinite(m.trainFlops())) {
            o.put("train_flops", m.trainFlops());
        }
        if (m.skipped()) {
            o.put("skipped", true);
        }
        records.forEach(o::put);
        return o;
    }

    /**
     * Appends one line.
     *
     * @param line a JSON object
     */
    public void append(ObjectNode line) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, WRITER.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new CalmException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return every line of the file as JSON, skipping lines that do not parse (a write cut short) */
    public List<JsonNode> read() {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (text.isBlank()) {
                    continue;
                }
                try {
                    out.add(Json.MAPPER.readTree(text));
                } catch (IOException e) {
                    LOG.warn("{}: skipping a malformed line ({})", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Drops the lines of steps after {@code step} (written by a run that was stopped after its last checkpoint),
     * and malformed lines, so that a resumed run has each step once. The file is replaced atomically.
     *
     * @param step the step of the checkpoint the run resumes from
     */
    public void truncateAfter(long step) {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        try {
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (stepOf(text) <= step) {
                    kept.append(text).append('\n');
                } else if (!text.isBlank()) {
                    dropped++;
                }
            }
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + e.getMessage(), e);
        }
        AtomicFiles.writeString(file, kept.toString());
        if (dropped > 0) {
            LOG.info("{}: dropped {} line(s) after step {} (written after the checkpoint resumed from)", file,
                    dropped, step);
        }
    }

    /** The step of a line, or Long.MAX_VALUE if it is blank or malformed (a write cut short). */
    private static long stepOf(String text) {
        if (text.isBlank()) {
            return Long.MAX_VALUE;
        }
        try {
            JsonNode s = Json.MAPPER.readTree(text).get("step");
            return s != null && s.canConvertToLong() ? s.asLong() : Long.MAX_VALUE;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
