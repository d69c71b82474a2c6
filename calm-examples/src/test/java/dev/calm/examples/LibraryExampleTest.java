/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.calm.core.config.Json;
import dev.calm.core.data.TinyCorpus;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plain-main example reads a corpus file, trains both stages and prints what it promises; on the counting
 * corpus, which a tiny model learns in a few hundred steps, its CALM beats every sampler that ignores the context.
 */
@CalmExperiment
class LibraryExampleTest {

    private static final int STEPS = 450;

    @Test
    void mainTrainsOnACorpusFileAndPrintsBrierLmAndAContinuation(Experiment experiment) throws IOException {
        Path corpus = experiment.runDir().resolve("corpus.jsonl");
        List<String> lines = new ArrayList<>();
        for (String text : TinyCorpus.counting(128, 16, 2).texts()) {
            lines.add(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Json.MAPPER.createObjectNode().put("text", text)));
        }
        Files.write(corpus, lines, StandardCharsets.UTF_8);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            LibraryExample.main(new String[] {corpus.toString(), String.valueOf(STEPS)});
        } finally {
            System.setOut(previous);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        Matcher split = Pattern.compile("corpus: 128 documents, (\\d+) for training, (\\d+) held out").matcher(out);
        assertTrue(split.find(), out);
        assertEquals(128, Integer.parseInt(split.group(1)) + Integer.parseInt(split.group(2)), out);
        assertTrue(out.contains("autoencoder: " + STEPS + " steps"), out);
        assertTrue(out.contains("CALM: " + STEPS + " steps"), out);
        Matcher brier = Pattern.compile("BrierLM: Brier-1 (-?[0-9.]+) ± ([0-9.]+)").matcher(out);
        assertTrue(brier.find(), out);
        double brier1 = Double.parseDouble(brier.group(1));
        double standardError = Double.parseDouble(brier.group(2));
        Matcher blind = Pattern.compile("ignores the context: Brier-1 at most ([0-9.]+)").matcher(out);
        assertTrue(blind.find(), out);
        double bound = Double.parseDouble(blind.group(1));
        experiment.metrics().record("brier_1", brier1).record("brier_1_context_blind_bound", bound);
        // measured: Brier-1 0.84 after 450 steps, against a bound of 0.074 over 112 held-out positions; 300 steps
        // gave 0.39 or 0.23 depending on the trajectory (a change in rounding moves it), too close to the bar
        assertTrue(brier1 - bound > 3 * standardError, "Brier-1 " + brier1 + " ± " + standardError
                + " should beat the context-blind bound " + bound + ":\n" + out);
        Matcher prompt = Pattern.compile("prompt: (.+)\\R").matcher(out);
        assertTrue(prompt.find(), out);
        assertEquals(5, prompt.group(1).split(" ").length, "a five-word prompt: " + prompt.group(1));
        Matcher continuation = Pattern.compile("continuation: (.*)\\R").matcher(out);
        assertTrue(continuation.find(), out);
        assertFalse(continuation.group(1).isBlank(), "a continuation of up to 24 tokens: " + out);
        experiment.metrics().record("continuation", continuation.group(1));
    }
}
