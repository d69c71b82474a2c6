/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.calm.examples.pipeline.RunModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same command with the same seed in two separate JVMs, run side by side, writes the same bytes: the weights,
 * the last checkpoint's optimizer state, and every line of {@code metrics.jsonl} but its two timing fields. At each
 * thread count the user may pick; a different thread count may change the last bits of reductions, which
 * docs/measured.md reports.
 */
class CrossProcessDeterminismTest {

    private final TinyRun run = TinyRun.get();

    @ParameterizedTest(name = "train-ae on {0} thread(s)")
    @ValueSource(ints = {1, 2})
    void anAutoencoderTrainedInTwoProcessesIsTheSameBytes(int threads, @TempDir Path dir) throws Exception {
        twoProcessesAgree(dir, "autoencoder", threads, List.of("train-ae", "--ae-steps", "6", "--ae-batch", "2",
                "--eval-tokens", "256", "--sigmas", "0"));
    }

    @Test
    void aCalmTrainedInTwoProcessesIsTheSameBytes(@TempDir Path dir) throws Exception {
        twoProcessesAgree(dir, "calm", 1, List.of("train", "--model", "calm", "--lm-steps", "6", "--lm-batch", "2"));
    }

    private void twoProcessesAgree(Path dir, String stage, int threads, List<String> command) throws Exception {
        List<ChildCli> children = new ArrayList<>();
        List<Path> runDirs = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            Path runDir = Files.createDirectories(dir.resolve(name));
            for (String file : List.of(RunModels.TOKENIZER, "autoencoder/config.json", "autoencoder/model.safetensors")) {
                Files.createDirectories(runDir.resolve(file).getParent());
                if (!stage.equals("autoencoder") || file.equals(RunModels.TOKENIZER)) {
                    Files.copy(run.runDir().resolve(file), runDir.resolve(file));
                }
            }
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("--run-dir", runDir.toString(), "--data", run.corpus().toString(), "--device", "cpu",
                    "--threads", String.valueOf(threads), "--checkpoint-every", "3"));
            children.add(ChildCli.start(dir, name, args));
            runDirs.add(runDir);
        }
        for (ChildCli c : children) {
            assertEquals(0, c.waitFor(300), c.errText());
        }
        Path a = runDirs.get(0).resolve(stage);
        Path b = runDirs.get(1).resolve(stage);
        assertArrayEquals(Files.readAllBytes(a.resolve("model.safetensors")),
                Files.readAllBytes(b.resolve("model.safetensors")), "the weights");
        assertEquals(withoutTimings(a.resolve("metrics.jsonl")), withoutTimings(b.resolve("metrics.jsonl")));
        Path checkpoint = Path.of("checkpoints", "step-00000006", "optimizer.safetensors");
        assertArrayEquals(Files.readAllBytes(a.resolve(checkpoint)), Files.readAllBytes(b.resolve(checkpoint)),
                "the optimizer state");
    }

    /** The file's lines without tokens_per_s and elapsed_s, the two fields that measure time. */
    static List<String> withoutTimings(Path metrics) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            out.add(line.replaceAll(",\"(tokens_per_s|elapsed_s)\":[^,}]*", ""));
        }
        return out;
    }
}
