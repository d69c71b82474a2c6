/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the libtorch operator calls made while it is open, by name: at the sizes of single-token decoding each
 * call costs microseconds of dispatch whatever its arithmetic, so the count per step is what sets the speed.
 * Off unless asked: nothing is counted, and nothing costs, outside a counter.
 *
 * <pre>{@code
 * try (OpCounter counter = OpCounter.start()) {
 *     model.forward(...);
 *     OpCounter.Counts counts = counter.stop();   // counts.total(), counts.byName()
 * }
 * }</pre>
 *
 * <p>It runs libtorch's own profiler (the one behind {@code torch.autograd.profiler}) and keeps the top-level
 * operators of its trace: one per call DJL makes into libtorch ({@code aten::linear}, {@code aten::add},
 * {@code aten::slice}...), not the operators that a call runs inside itself. A DJL method that makes two calls
 * (a linear layer without bias is {@code aten::t} and {@code aten::matmul}) counts two. It counts every thread of
 * the process, so nothing else should compute while it is open; the profiler makes each call slower, so time
 * nothing inside a counter. One counter at a time per process.
 */
public final class OpCounter implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slack for the trace's rounded microseconds when deciding that one event ends inside another. */
    private static final double NESTING_TOLERANCE_US = 0.01;
    private static boolean running;

    private final Path trace;
    private Counts counts;

    private OpCounter(Path trace) {
        this.trace = trace;
    }

    /**
     * Starts counting.
     *
     * @return the open counter
     * @throws CalmException if another counter is open
     */
    public static synchronized OpCounter start() {
        if (running) {
            throw new CalmException("an OpCounter is already counting: stop it first");
        }
        Path trace;
        try {
            trace = Files.createTempFile("calm-ops", ".json");
        } catch (IOException e) {
            throw new CalmException("cannot create a temporary file for the operator trace: " + e.getMessage(), e);
        }
        Backend.engine();
        JniUtils.startProfile(false, false, false);
        running = true;
        return new OpCounter(trace);
    }

    /**
     * Stops counting (once; later calls return the same counts).
     *
     * @return the calls made since {@link #start()}
     */
    public Counts stop() {
        if (counts == null) {
            synchronized (OpCounter.class) {
                try {
                    JniUtils.stopProfile(trace.toString());
                } finally {
                    running = false;
                }
            }
            try {
                counts = Counts.ofTrace(JSON.readTree(trace.toFile()));
            } catch (IOException e) {
                throw new CalmException("cannot read libtorch's operator trace " + trace + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(trace);
            }
        }
        return counts;
    }

    /** Stops counting if {@link #stop()} was not called. */
    @Override
    public void close() {
        stop();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover file in the temporary directory is harmless
        }
    }

    /**
     * Operator calls by name.
     *
     * @param byName calls per operator name, most frequent first
     */
    public record Counts(Map<String, Integer> byName) {

        /**
         * Copies the map, most frequent first.
         *
         * @param byName calls per operator name
         */
        public Counts {
            List<Map.Entry<String, Integer>> entries = new ArrayList<>(byName.entrySet());
            entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            Map<String, Integer> sorted = new LinkedHashMap<>();
            entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
            byName = Collections.unmodifiableMap(sorted);
        }

        /** @return the number of calls */
        public int total() {
            return byName.values().stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * The top-level complete events ({@code "ph": "X"}) of a Chrome trace: per thread, an event that starts and
         * ends inside another one is that one's inner work, not a call of its own.
         */
        static Counts ofTrace(JsonNode root) {
            JsonNode events = root.isArray() ? root : root.path("traceEvents");
            Map<String, List<double[]>> spans = new HashMap<>(); // thread -> {start, end}
            Map<String, List<String>> names = new HashMap<>();
            for (JsonNode e : events) {
                if (!"X".equals(e.path("ph").asText()) || !e.has("ts")) {
                    continue;
                }
                String thread = e.path("pid").asText() + "/" + e.path("tid").asText();
                double start = e.path("ts").asDouble();
                spans.computeIfAbsent(thread, t -> new ArrayList<>()).add(new double[] {start,
                        start + e.path("dur").asDouble(), names.computeIfAbsent(thread, t -> new ArrayList<>()).size()});
                names.get(thread).add(e.path("name").asText());
            }
            Map<String, Integer> counts = new HashMap<>();
            spans.forEach((thread, list) -> {
                // outer events first: by start, the longer one first when two start together
                list.sort(Comparator.<double[]>comparingDouble(s -> s[0]).thenComparing(s -> -s[1]));
                Deque<Double> open = new ArrayDeque<>(); // ends of the enclosing events
                for (double[] s : list) {
                    while (!open.isEmpty() && open.peek() <= s[0]) {
                        open.pop();
                    }
                    if (open.isEmpty() || s[1] > open.peek() + NESTING_TOLERANCE_US) {
                        counts.merge(names.get(thread).get((int) s[2]), 1, Integer::sum);
                        open.clear();
                    }
                    open.push(s[1]);
                }
            });
            return new Counts(counts);
        }
    }
}
