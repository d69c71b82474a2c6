/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.config.Json;
import dev.calm.core.io.AtomicFiles;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.training.CheckpointStore;
import dev.calm.training.MetricsLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Crash consistency under SIGKILL: a training command runs in its own JVM and is killed at a chosen moment, then
 * the same command runs again (and may be killed again) until it completes; its final weights and its whole
 * {@code metrics.jsonl} trajectory must then equal, bit for bit, those of a run that was never interrupted, with
 * no temporary or partial file left. After every kill, every file a reader could open must be whole.
 *
 * <p>The moments: at a random time; while a checkpoint directory is being written (as soon as its temporary
 * directory appears); while the final {@code model.safetensors} is being written; right after a
 * {@code metrics.jsonl} line is appended, with the line then cut in half by the harness (what a write torn by a
 * crash of the machine would leave; SIGKILL alone cannot tear a single append); and, for the quickstart, at a
 * stage boundary (as soon as a stage's {@code model.safetensors} or {@code summary.json} appears).
 *
 * <p>{@link ChaosTest} runs a few cases in the build; {@code scripts/chaos.sh N} runs any number.
 */
final class ChaosHarness {

    /** The training commands under test. */
    enum Scenario {
        TRAIN_AE(List.of("autoencoder")),
        TRAIN_CALM(List.of("calm")),
        TRAIN_BASELINE(List.of("baseline")),
        QUICKSTART(List.of("autoencoder", "calm", "baseline"));

        private final List<String> stages;

        Scenario(List<String> stages) {
            this.stages = stages;
        }
    }

    /** Where the kill lands. */
    enum KillPoint { RANDOM_TIME, DURING_CHECKPOINT, DURING_MODEL_WRITE, AFTER_METRICS_APPEND, STAGE_BOUNDARY }

    /** Metrics that measure time, which no two runs share. */
    private static final List<String> TIMING = List.of("tokens_per_s", "elapsed_s");

    private final Path work;
    private final Path corpus;
    private final Path prepared;
    private final Map<Scenario, Outcome> references = new LinkedHashMap<>();
    private final Map<Scenario, Double> referenceSeconds = new LinkedHashMap<>();

    /**
     * @param work a scratch directory
     * @param corpus the training corpus
     * @param prepared a run directory with a tokenizer and a trained autoencoder, which the language models of
     *     {@link Scenario#TRAIN_CALM} and {@link Scenario#TRAIN_BASELINE} start from (copied for each run)
     */
    ChaosHarness(Path work, Path corpus, Path prepared) {
        this.work = work;
        this.corpus = corpus;
        this.prepared = prepared;
    }

    /** What one case did. */
    record Case(Scenario scenario, KillPoint point, int kills, boolean identical, String problem) {
        @Override
        public String toString() {
            return scenario + " killed " + kills + "x " + point + ": " + (identical ? "identical" : "DIFFERENT " + problem);
        }
    }

    /** What a completed run left: weights and metrics of every stage. */
    private record Outcome(Map<String, byte[]> weights, Map<String, List<String>> metrics) {}

    /** The command line of a scenario in a run directory. */
    List<String> command(Scenario s, Path runDir) {
        List<String> common = List.of("--run-dir", runDir.toString(), "--data", corpus.toString(), "--device", "cpu",
                "--threads", "1", "--checkpoint-every", "3");
        List<String> args = new ArrayList<>();
        switch (s) {
            case TRAIN_AE -> args.addAll(List.of("train-ae", "--ae-steps", "12", "--ae-batch", "1", "--eval-tokens",
                    "256", "--sigmas", "0"));
            case TRAIN_CALM -> args.addAll(List.of("train", "--model", "calm", "--lm-steps", "21", "--lm-batch", "1"));
            case TRAIN_BASELINE -> args.addAll(List.of("train", "--model", "baseline", "--lm-steps", "9",
                    "--lm-batch", "1"));
            case QUICKSTART -> args.addAll(List.of("quickstart", "--vocab", "300", "--ae-minutes", "30", "--ae-steps",
                    "9", "--ae-batch", "1", "--eval-tokens", "256", "--sigmas", "0", "--lm-minutes", "30",
                    "--lm-steps", "6", "--lm-batch", "1", "--brier-tokens", "256", "--gen-tokens", "4", "--prompt",
                    "the jury"));
        }
        args.addAll(common);
        return args;
    }

    /**
     * Runs one case: a fresh run directory, up to {@code maxKills} kills at the chosen point, then runs to the end.
     *
     * @param s the command
     * @param point where the kills land
     * @param random the case's randomness
     * @param name the case's directory name
     * @return what happened
     */
    Case run(Scenario s, KillPoint point, SplittableRandom random, String name) throws Exception {
        Outcome reference = reference(s);
        Path runDir = fresh(s, work.resolve(name));
        List<String> args = command(s, runDir);
        int kills = 0;
        int maxKills = 1 + random.nextInt(3);
        for (int attempt = 0; attempt < 20; attempt++) {
            ChildCli child = ChildCli.start(work, name + "-" + attempt, args);
            boolean killed = kills < maxKills && killAt(child, s, point, runDir, random);
            if (killed) {
                kills++;
                if (point == KillPoint.AFTER_METRICS_APPEND) {
                    tearLastMetricsLine(runDir, s);
                }
                String broken = partialFileVisible(runDir);
                if (broken != null) {
                    return new Case(s, point, kills, false, "after kill " + kills + ": " + broken);
                }
                continue;
            }
            int exit = child.waitFor(1800);
            if (exit != 0) {
                return new Case(s, point, kills, false, "exit " + exit + ": " + child.errText());
            }
            String problem = compare(reference, outcome(s, runDir));
            if (problem == null) {
                problem = leftovers(runDir);
            }
            return new Case(s, point, kills, problem == null, problem);
        }
        return new Case(s, point, kills, false, "did not complete in 20 attempts");
    }

    /** The uninterrupted run of a scenario, made once. */
    private Outcome reference(Scenario s) throws Exception {
        Outcome known = references.get(s);
        if (known != null) {
            return known;
        }
        Path runDir = fresh(s, work.resolve("reference-" + s.name().toLowerCase()));
        long start = System.nanoTime();
        ChildCli child = ChildCli.start(work, "reference-" + s.name().toLowerCase(), command(s, runDir));
        int exit = child.waitFor(1800);
        if (exit != 0) {
            throw new IllegalStateException("the reference run of " + s + " failed: " + child.errText());
        }
        referenceSeconds.put(s, (System.nanoTime() - start) / 1e9);
        Outcome outcome = outcome(s, runDir);
        references.put(s, outcome);
        return outcome;
    }

    /** A run directory for a case: empty for the quickstart, else a copy of the prepared one. */
    private Path fresh(Scenario s, Path dir) throws IOException {
        if (s == Scenario.QUICKSTART) {
            return Files.createDirectories(dir);
        }
        Files.createDirectories(dir);
        for (String file : List.of(RunModels.TOKENIZER, "autoencoder/config.json", "autoencoder/model.safetensors")) {
            Path to = dir.resolve(file);
            Files.createDirectories(to.getParent());
            Files.copy(prepared.resolve(file), to);
        }
        return dir;
    }

    /**
     * Waits for the kill point and kills the child there.
     *
     * @return whether it was killed (false: it finished first)
     */
    private boolean killAt(ChildCli child, Scenario s, KillPoint point, Path runDir, SplittableRandom random)
            throws Exception {
        String stage = s.stages.get(random.nextInt(s.stages.size()));
        Path stageDir = runDir.resolve(stage);
        Predicate<Path> trigger = switch (point) {
            case RANDOM_TIME -> {
                long deadline = System.nanoTime() + (long) (random.nextDouble() * referenceSeconds.get(s) * 1e9);
                yield dir -> System.nanoTime() >= deadline;
            }
            case DURING_CHECKPOINT -> {
                int nth = 1 + random.nextInt(3);
                List<String> seen = new ArrayList<>();
                yield dir -> {
                    for (Path p : list(stageDir.resolve("checkpoints"))) {
                        String n = p.getFileName().toString();
                        if (n.startsWith(".tmp-step-") && !seen.contains(n)) {
                            seen.add(n);
                        }
                    }
                    return seen.size() >= nth;
                };
            }
            case DURING_MODEL_WRITE -> dir -> list(stageDir).stream()
                    .anyMatch(p -> p.getFileName().toString().startsWith(".model.safetensors.tmp-"));
            case AFTER_METRICS_APPEND -> {
                // a line every 10 steps and one at the end: kill after one of those before the last
                int lines = 1 + random.nextInt(Math.max(1, references.get(s).metrics().get(stage).size() - 1));
                yield dir -> lines(stageDir.resolve(MetricsLog.FILE)) >= lines;
            }
            case STAGE_BOUNDARY -> dir -> Files.exists(stageDir.resolve("model.safetensors"))
                    || Files.exists(stageDir.resolve("summary.json"));
        };
        while (child.process().isAlive()) {
            if (trigger.test(runDir)) {
                child.kill();
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** Cuts the last line of a stage's metrics.jsonl in half: what a write torn by a crash would leave. */
    private static void tearLastMetricsLine(Path runDir, Scenario s) throws IOException {
        for (String stage : s.stages) {
            Path file = runDir.resolve(stage).resolve(MetricsLog.FILE);
            if (Files.exists(file)) {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!all.isEmpty()) {
                    String last = all.get(all.size() - 1);
                    Files.writeString(file, last.substring(0, last.length() / 2), StandardCharsets.UTF_8,
                            StandardOpenOption.APPEND);
                }
            }
        }
    }

    /** The first file a reader would find broken right after a kill, or null: temporary names are not looked at. */
    private static String partialFileVisible(Path runDir) throws IOException {
        try (Stream<Path> all = Files.walk(runDir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                boolean temporary = AtomicFiles.isTemporary(p) || p.toString().contains("/.tmp-");
                if (temporary) {
                    continue;
                }
                try {
                    if (name.endsWith(".safetensors")) {
                        try (SafeTensorsReader r = SafeTensorsReader.open(p)) {
                            for (String t : r.names()) {
                                r.readFloats(t);
                            }
                        }
                    } else if (name.endsWith(".json")) {
                        Json.MAPPER.readTree(p.toFile());
                    }
                } catch (RuntimeException | IOException e) {
                    return p + ": " + e.getMessage();
                }
            }
        }
        for (Path checkpoints : findCheckpointDirs(runDir)) {
            for (Path c : new CheckpointStore(checkpoints.getParent()).checkpoints()) {
                for (String f : List.of(CheckpointStore.MODEL, CheckpointStore.OPTIMIZER, CheckpointStore.STATE)) {
                    if (!Files.isRegularFile(c.resolve(f))) {
                        return c + " is missing " + f;
                    }
                }
            }
        }
        return null;
    }

    /** Temporary files or directories left after the run completed, or null. */
    private static String leftovers(Path runDir) throws IOException {
        try (Stream<Path> all = Files.walk(runDir)) {
            List<Path> temporary = all.filter(p -> AtomicFiles.isTemporary(p)
                    || p.getFileName().toString().startsWith(".tmp-")).toList();
            return temporary.isEmpty() ? null : "left behind: " + temporary;
        }
    }

    private static List<Path> findCheckpointDirs(Path runDir) throws IOException {
        try (Stream<Path> all = Files.walk(runDir, 2)) {
            return all.filter(p -> p.getFileName().toString().equals("checkpoints") && Files.isDirectory(p)).toList();
        }
    }

    private Outcome outcome(Scenario s, Path runDir) throws IOException {
        Map<String, byte[]> weights = new LinkedHashMap<>();
        Map<String, List<String>> metrics = new LinkedHashMap<>();
        for (String stage : s.stages) {
            weights.put(stage, Files.readAllBytes(runDir.resolve(stage).resolve("model.safetensors")));
            List<String> lines = new ArrayList<>();
            for (JsonNode line : new MetricsLog(runDir.resolve(stage)).read()) {
                ObjectNode copy = line.deepCopy();
                copy.remove(TIMING);
                lines.add(copy.toString());
            }
            metrics.put(stage, lines);
        }
        return new Outcome(weights, metrics);
    }

    /** The first difference between two outcomes, or null. */
    private static String compare(Outcome expected, Outcome actual) {
        for (String stage : expected.weights().keySet()) {
            List<String> a = expected.metrics().get(stage);
            List<String> b = actual.metrics().get(stage);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                String x = i < a.size() ? a.get(i) : "(none)";
                String y = i < b.size() ? b.get(i) : "(none)";
                if (!x.equals(y)) {
                    return stage + " metrics line " + (i + 1) + ": expected " + x + ", got " + y;
                }
            }
            if (!java.util.Arrays.equals(expected.weights().get(stage), actual.weights().get(stage))) {
                return stage + "/model.safetensors differs";
            }
        }
        return null;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // the directory changed under us: look again next time
        }
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file).chars().filter(c -> c == '\n').count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
