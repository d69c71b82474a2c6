/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.CalmException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/**
 * A seeded mutation fuzzer: each case mutates a valid seed file (bit flips, interesting bytes, invalid UTF-8, NUL
 * bytes, cut, repeated or inserted ranges, and for JSON, numbers replaced by extreme values, keys dropped and
 * deep nesting), hands it to a reader and classifies what happened: read, rejected with one of the library's own
 * errors ({@link CalmException}, or picocli's usage error for command lines), a bug (any other exception or
 * error), or a hang (longer than the time limit). A crash would end the JVM, and the build with it.
 */
final class Fuzzer {

    /** What a case did. */
    enum Outcome { ACCEPTED, REJECTED, BUG, HANG }

    /** A reader under test: it gets the mutated file. */
    @FunctionalInterface
    interface Target {
        /**
         * @param file the mutated file
         * @throws Exception anything it throws is classified
         */
        void read(Path file) throws Exception;
    }

    /** The counts of a run, and the first bugs and hangs found. */
    record Report(String target, Map<Outcome, Integer> counts, List<String> problems) {
        @Override
        public String toString() {
            return target + ": " + counts + (problems.isEmpty() ? "" : " first problems: " + problems);
        }
    }

    private static final byte[][] INTERESTING = {
        {0}, {(byte) 0xFF}, {(byte) 0x7F}, {(byte) 0x80}, {'"'}, {'{'}, {'}'}, {'['}, {']'}, {','}, {':'}, {'\\'},
        {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80},
        "-1".getBytes(StandardCharsets.US_ASCII), "1e309".getBytes(StandardCharsets.US_ASCII),
        "9223372036854775808".getBytes(StandardCharsets.US_ASCII), "NaN".getBytes(StandardCharsets.US_ASCII),
        "null".getBytes(StandardCharsets.US_ASCII), "\"\"".getBytes(StandardCharsets.US_ASCII),
    };

    private static final String[] JSON_VALUES = {"-1", "0", "1e309", "-1e309", "9223372036854775807",
        "18446744073709551616", "0.5", "NaN", "null", "true", "\"x\"", "[]", "{}", "[1, 2]", "\"\\u0000\""};

    private Fuzzer() {}

    /**
     * Runs {@code cases} mutations of a seed file through a target.
     *
     * @param name the target's name for the report
     * @param seed a valid input
     * @param json whether JSON-aware mutations apply
     * @param cases how many
     * @param randomSeed the seed of the mutations
     * @param work where mutated files are written
     * @param target the reader
     * @return the counts
     */
    static Report run(String name, byte[] seed, boolean json, int cases, long randomSeed, Path work, Target target)
            throws Exception {
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        List<String> problems = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(randomSeed);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < cases; i++) {
                byte[] input = mutate(seed, json, random);
                Path file = work.resolve(name + "-" + (i % 16) + extension(name));
                Files.write(file, input);
                Future<?> result = executor.submit(() -> {
                    target.read(file);
                    return null;
                });
                Outcome outcome;
                String problem = null;
                try {
                    result.get(10, TimeUnit.SECONDS);
                    outcome = Outcome.ACCEPTED;
                } catch (TimeoutException e) {
                    result.cancel(true);
                    outcome = Outcome.HANG;
                    problem = "case " + i + " ran over 10 s";
                    executor.shutdownNow();
                    executor = Executors.newSingleThreadExecutor();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof CalmException || cause instanceof CommandLine.ParameterException) {
                        outcome = Outcome.REJECTED;
                    } else {
                        outcome = Outcome.BUG;
                        problem = "case " + i + ": " + cause;
                    }
                }
                counts.merge(outcome, 1, Integer::sum);
                if (problem != null && problems.size() < 5) {
                    problems.add(problem);
                    Files.write(work.resolve(name + "-problem-" + i + extension(name)), input);
                }
            }
        } finally {
            executor.shutdownNow();
        }
        return new Report(name, counts, problems);
    }

    private static String extension(String name) {
        return name.startsWith("corpus") ? ".jsonl" : name.startsWith("safetensors") ? ".safetensors" : ".json";
    }

    /** One to four mutations of the seed. */
    static byte[] mutate(byte[] seed, boolean json, SplittableRandom random) {
        byte[] out = seed;
        int n = 1 + random.nextInt(4);
        for (int k = 0; k < n; k++) {
            out = json && random.nextInt(3) == 0 ? mutateJson(out, random) : mutateBytes(out, random);
        }
        return out;
    }

    private static byte[] mutateBytes(byte[] in, SplittableRandom random) {
        if (in.length == 0) {
            return INTERESTING[random.nextInt(INTERESTING.length)].clone();
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(7)) {
            case 0 -> { // flip a bit
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1 -> { // overwrite with an interesting byte sequence
                return splice(in, at, Math.min(in.length, at + 1), INTERESTING[random.nextInt(INTERESTING.length)]);
            }
            case 2 -> { // cut the end
                return Arrays.copyOf(in, at);
            }
            case 3 -> { // delete a range
                return splice(in, at, Math.min(in.length, at + 1 + random.nextInt(64)), new byte[0]);
            }
            case 4 -> { // repeat a range
                int end = Math.min(in.length, at + 1 + random.nextInt(64));
                byte[] range = Arrays.copyOfRange(in, at, end);
                byte[] repeated = new byte[range.length * (2 + random.nextInt(8))];
                for (int i = 0; i < repeated.length; i++) {
                    repeated[i] = range[i % range.length];
                }
                return splice(in, at, end, repeated);
            }
            case 5 -> { // insert random bytes
                byte[] noise = new byte[1 + random.nextInt(16)];
                random.nextBytes(noise);
                return splice(in, at, at, noise);
            }
            default -> { // overwrite 8 bytes with a random long (length fields, offsets)
                byte[] out = in.clone();
                for (int i = 0; i < 8 && at + i < out.length; i++) {
                    out[at + i] = (byte) random.nextInt(256);
                }
                return out;
            }
        }
    }

    private static byte[] mutateJson(byte[] in, SplittableRandom random) {
        String text = new String(in, StandardCharsets.UTF_8);
        switch (random.nextInt(4)) {
            case 0 -> { // a number becomes an extreme or wrongly typed value
                List<int[]> numbers = new ArrayList<>();
                var m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?").matcher(text);
                while (m.find()) {
                    numbers.add(new int[] {m.start(), m.end()});
                }
                if (numbers.isEmpty()) {
                    return in;
                }
                int[] at = numbers.get(random.nextInt(numbers.size()));
                text = text.substring(0, at[0]) + JSON_VALUES[random.nextInt(JSON_VALUES.length)] + text.substring(at[1]);
            }
            case 1 -> { // a "key": dropped (its value too, up to the next comma)
                var m = java.util.regex.Pattern.compile("\"[A-Za-z_]+\"\\s*:\\s*[^,{}\\[\\]]*,?").matcher(text);
                List<int[]> keys = new ArrayList<>();
                while (m.find()) {
                    keys.add(new int[] {m.start(), m.end()});
                }
                if (keys.isEmpty()) {
                    return in;
                }
                int[] at = keys.get(random.nextInt(keys.size()));
                text = text.substring(0, at[0]) + text.substring(at[1]);
            }
            case 2 -> { // deep nesting around a value
                int depth = random.nextInt(2) == 0 ? 50 + random.nextInt(200) : 2000 + random.nextInt(20000);
                int colon = text.indexOf(':', random.nextInt(Math.max(1, text.length())));
                if (colon < 0) {
                    return in;
                }
                text = text.substring(0, colon + 1) + "[".repeat(depth) + "]".repeat(depth) + "," + text.substring(colon + 1);
            }
            default -> { // a key duplicated
                int brace = text.indexOf('{');
                if (brace < 0) {
                    return in;
                }
                var m = java.util.regex.Pattern.compile("\"[A-Za-z_]+\"\\s*:\\s*[^,{}\\[\\]]*,").matcher(text);
                if (!m.find(brace)) {
                    return in;
                }
                text = text.substring(0, brace + 1) + m.group() + text.substring(brace + 1);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }
}
