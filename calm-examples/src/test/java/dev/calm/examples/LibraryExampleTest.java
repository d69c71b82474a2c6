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

/** The plain-main example reads a corpus file, trains both stages for a few steps and prints what it promises. */
@CalmExperiment
class LibraryExampleTest {

    @Test
    void mainTrainsOnACorpusFileAndPrintsBrierLmAndAContinuation(Experiment experiment) throws IOException {
        Path corpus = experiment.runDir().resolve("corpus.jsonl");
        List<String> lines = new ArrayList<>();
        for (String text : TinyCorpus.sentences(40, 2).texts()) {
            lines.add(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Json.MAPPER.createObjectNode().put("text", text)));
        }
        Files.write(corpus, lines, StandardCharsets.UTF_8);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            LibraryExample.main(new String[] {corpus.toString(), "10"});
        } finally {
            System.setOut(previous);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("corpus: 40 documents, 36 for training, 4 held out"), out);
        assertTrue(out.contains("autoencoder: 10 steps"), out);
        assertTrue(out.contains("CALM: 10 steps"), out);
        Matcher brier = Pattern.compile("BrierLM: Brier-1 (-?[0-9.]+)").matcher(out);
        assertTrue(brier.find(), out);
        double brier1 = Double.parseDouble(brier.group(1));
        experiment.metrics().record("brier_1", brier1);
        assertTrue(brier1 >= -1 && brier1 <= 1, "Brier-1 " + brier1);
        Matcher prompt = Pattern.compile("prompt: (.+)\\R").matcher(out);
        assertTrue(prompt.find(), out);
        assertEquals(5, prompt.group(1).split(" ").length, "a five-word prompt: " + prompt.group(1));
        Matcher continuation = Pattern.compile("continuation: (.*)\\R").matcher(out);
        assertTrue(continuation.find(), out);
        assertFalse(continuation.group(1).isBlank(), "a continuation of up to 24 tokens: " + out);
        experiment.metrics().record("continuation", continuation.group(1));
    }
}
