/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static dev.calm.examples.cli.TinyRun.failsCleanly;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.examples.pipeline.ModelConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the commands of a run directory: one line on stderr naming the problem, exit 2 for a usage error
 * and 1 for a failure, and no file of the run directory changed (hashed before and after).
 */
class BadInputTest {

    private final TinyRun run = TinyRun.get();

    private String runDir() {
        return run.runDir().toString();
    }

    @Test
    void aMissingOrUnreadableConfigFileIsAUsageError(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.json");
        failsCleanly(run.runDir(), 2, "cannot read --config " + missing + ": no such file",
                "train", "--run-dir", runDir(), "--config", missing.toString());
        failsCleanly(run.runDir(), 2, "cannot read --config " + dir + ": it is a directory",
                "eval", "--run-dir", runDir(), "--config=" + dir);
        Path malformed = Files.writeString(dir.resolve("bad.json"), "{\"vocab\": 300,");
        failsCleanly(run.runDir(), 2, "malformed JSON in --config " + malformed,
                "tokenizer", "train", "--run-dir", runDir(), "--config", malformed.toString());
        Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
        failsCleanly(run.runDir(), 2, "--config " + list + " must hold one JSON object",
                "train-ae", "--run-dir", runDir(), "--config", list.toString());
    }

    @Test
    void anUnknownKeyOrAWrongTypeInTheConfigFileIsAUsageError(@TempDir Path dir) throws IOException {
        rejectsConfig(dir, "{\"ae-steps\": 3, \"ae-stpes\": 3}", "unknown key 'ae-stpes' in --config %s: calm train-ae "
                + "takes ", "train-ae", "--run-dir", runDir());
        rejectsConfig(dir, "{\"lm-steps\": \"three\"}",
                "key 'lm-steps' in --config %s must be an integer, got \"three\"", "train", "--run-dir", runDir());
        rejectsConfig(dir, "{\"lm-steps\": 2.5}", "key 'lm-steps' in --config %s must be an integer, got 2.5",
                "train", "--run-dir", runDir());
        rejectsConfig(dir, "{\"prompt\": [\"a\", 3]}",
                "key 'prompt' in --config %s must be a string or an array of them", "generate", "--run-dir", runDir());
        rejectsConfig(dir, "{\"device\": 0}", "key 'device' in --config %s must be a string, got 0", "bench");
    }

    /** A config file with the given content makes the command a usage error whose message names the file. */
    private void rejectsConfig(Path dir, String json, String messageOfFile, String... command) throws IOException {
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, json);
        String[] args = Arrays.copyOf(command, command.length + 2);
        args[command.length] = "--config";
        args[command.length + 1] = file.toString();
        failsCleanly(run.runDir(), 2, String.format(messageOfFile, file), args);
    }

    @Test
    void aMissingCorpusOrCheckpointIsNamed(@TempDir Path dir) throws IOException {
        Path nope = dir.resolve("nope.jsonl");
        failsCleanly(run.runDir(), 2, "--data " + nope + " does not exist",
                "train-ae", "--run-dir", runDir(), "--data", nope.toString());
        Path copy = run.copy(dir.resolve("run"));
        Files.delete(copy.resolve("calm/model.safetensors"));
        failsCleanly(copy, 1, "no trained calm in " + copy.resolve("calm"),
                "generate", "--run-dir", copy.toString(), "-p", "the");
        Files.writeString(copy.resolve("baseline/model.safetensors"), "not a safetensors file");
        failsCleanly(copy, 1, copy.resolve("baseline/model.safetensors") + ": ",
                "generate", "--run-dir", copy.toString(), "--model", "baseline", "-p", "the");
        Files.delete(copy.resolve("tokenizer.json"));
        failsCleanly(copy, 1, copy.resolve("tokenizer.json") + " does not exist: run calm tokenizer train",
                "train", "--run-dir", copy.toString(), "--data", run.corpus().toString(), "--model", "baseline");
    }

    @Test
    void anEmptyCorpusIsNamed(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");
        failsCleanly(run.runDir(), 1, "empty corpus " + empty, "tokenizer", "train", "--run-dir", runDir(), "--data",
                empty.toString());
        failsCleanly(run.runDir(), 1, "empty corpus " + empty, "train-ae", "--run-dir", runDir(), "--data",
                empty.toString());
        failsCleanly(run.runDir(), 1, "empty corpus " + empty, "eval", "--run-dir", runDir(), "--data",
                empty.toString(), "--metrics", "reconstruction");
    }

    @Test
    void aTokenizerOfAnotherVocabularyIsNamed(@TempDir Path dir) throws IOException {
        Path other = dir.resolve("other");
        assertEquals(0, CliRun.run("tokenizer", "train", "--data", run.corpus().toString(), "--run-dir",
                other.toString(), "--vocab", "280").exit());
        Path copy = run.copy(dir.resolve("run"));
        Files.copy(other.resolve("tokenizer.json"), copy.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        failsCleanly(copy, 1, "the tokenizer has 280 ids but the model in " + copy.resolve("baseline")
                + " was trained with a vocabulary of 300", "generate", "--run-dir", copy.toString(), "--model",
                "baseline", "-p", "the");
        failsCleanly(copy, 1, "the tokenizer has 280 ids but the model in " + copy.resolve("autoencoder")
                + " was trained with a vocabulary of 300", "train", "--run-dir", copy.toString(), "--data",
                run.corpus().toString(), "--lm-steps", "1");
        failsCleanly(copy, 1, copy.resolve("autoencoder/config.json") + " holds another autoencoder",
                "train-ae", "--run-dir", copy.toString(), "--data", run.corpus().toString(), "--ae-steps", "1");
    }

    @Test
    void anAutoencoderOfAnotherKIsNamed(@TempDir Path dir) throws IOException {
        Path copy = run.copy(dir.resolve("run"));
        ModelConfigFile.write(copy.resolve("autoencoder"), "autoencoder",
                AutoencoderConfig.cpu(300).withPatchSize(2));
        failsCleanly(copy, 1, copy.resolve("calm/config.json") + ": the autoencoder (vocab_size 300, patch_size 2, "
                + "latent_size 128) does not fit this CALM (vocab_size 300, patch_size 4, latent_size 128)",
                "generate", "--run-dir", copy.toString(), "-p", "the");
        failsCleanly(copy, 1, copy.resolve("autoencoder/config.json") + ": the autoencoder (vocab_size 300, "
                + "patch_size 2", "train", "--run-dir", copy.toString(), "--data", run.corpus().toString());
    }

    @Test
    void aCheckpointOfAnotherModelTypeIsNamed(@TempDir Path dir) throws IOException {
        Path copy = run.copy(dir.resolve("run"));
        for (String file : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(copy.resolve("baseline").resolve(file), copy.resolve("calm").resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        String problem = copy.resolve("calm/config.json") + " is a baseline checkpoint, expected calm";
        failsCleanly(copy, 1, problem, "generate", "--run-dir", copy.toString(), "--model", "calm", "-p", "the");
        failsCleanly(copy, 1, problem, "eval", "--run-dir", copy.toString(), "--data", run.corpus().toString());
        failsCleanly(copy, 1, problem, "train", "--run-dir", copy.toString(), "--data", run.corpus().toString());
        Files.copy(copy.resolve("baseline/config.json"), copy.resolve("autoencoder/config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        failsCleanly(copy, 1, copy.resolve("autoencoder/config.json") + " is a baseline checkpoint, expected "
                + "autoencoder", "eval", "--run-dir", copy.toString(), "--metrics", "reconstruction");
    }

    @Test
    void aTemperatureOutsideZeroToOneIsAUsageError() throws IOException {
        for (String t : new String[] {"0", "1.5", "-1", "NaN"}) {
            failsCleanly(run.runDir(), 2, "--temperature must be in (0, 1], got ", "generate", "--run-dir",
                    runDir(), "-p", "the", "-t", t);
        }
    }

    @Test
    void badOptionsOfTheNewCommandsAreUsageErrors() throws IOException {
        failsCleanly(run.runDir(), 2, "--model must be calm or baseline, got 'gpt'", "train", "--run-dir", runDir(),
                "--model", "gpt");
        failsCleanly(run.runDir(), 2, "--ae-minutes must be > 0, got 0.0", "train-ae", "--run-dir", runDir(),
                "--ae-minutes", "0");
        failsCleanly(run.runDir(), 2, "--vocab must be > 257", "tokenizer", "train", "--run-dir", runDir(),
                "--vocab", "100");
        failsCleanly(run.runDir(), 2, "--metrics takes brierlm, reconstruction, geometry, head and/or chunks, got [bleu]", "eval",
                "--run-dir", runDir(), "--metrics", "bleu");
        failsCleanly(run.runDir(), 2, "Unknown options: '--lm-stpes', '3' (did you mean --lm-minutes or --lm-steps", "train",
                "--run-dir", runDir(), "--lm-stpes", "3");
    }

    @Test
    void badOptionsOfTheSmallScaleRecipeAreUsageErrors() throws IOException {
        failsCleanly(run.runDir(), 2, "--calm-aux-weight must be a finite number >= 0 and --calm-aux-anneal >= 0, got "
                + "-1.0", "train", "--run-dir", runDir(), "--calm-aux-weight", "-1");
        failsCleanly(run.runDir(), 2, "--patch-size must be 1, 2, 4, 8 or 16, got 3", "train-ae", "--run-dir", runDir(),
                "--patch-size", "3");
        failsCleanly(run.runDir(), 2, "--ae-latent must be in [1, 4096], got 0", "quickstart", "--run-dir", runDir(),
                "--ae-latent", "0");
        failsCleanly(run.runDir(), 2, "--calm-head must be energy, flow, diffusion, mixture, got 'gan'", "train",
                "--run-dir", runDir(), "--calm-head", "gan");
        failsCleanly(run.runDir(), 2, "--calm-flow-steps must be >= 1, got 0", "train", "--run-dir", runDir(),
                "--calm-head", "flow", "--calm-flow-steps", "0");
        failsCleanly(run.runDir(), 2, "--calm-diffusion-steps must be in [1, 1000], got 1001", "quickstart",
                "--run-dir", runDir(), "--calm-head", "diffusion", "--calm-diffusion-steps", "1001");
        failsCleanly(run.runDir(), 2, "--calm-diffusion-prediction must be epsilon or v, got 'x0'", "train",
                "--run-dir", runDir(), "--calm-diffusion-prediction", "x0");
        failsCleanly(run.runDir(), 2, "--calm-anchors must be in [0, --calm-components] and needs --calm-head "
                + "mixture, got 65", "train", "--run-dir", runDir(), "--calm-anchors", "65");
        failsCleanly(run.runDir(), 2, "--calm-anchors must be in [0, --calm-components] and needs --calm-head "
                + "mixture, got 8", "quickstart", "--run-dir", runDir(), "--calm-anchors", "8", "--calm-head", "energy");
        failsCleanly(run.runDir(), 2, "--calm-anchor-std must be a finite number > 0, got 0.0", "train", "--run-dir",
                runDir(), "--calm-anchor-std", "0");
        failsCleanly(run.runDir(), 2, "--calm-head-lr-scale must be a finite number > 0, got 0.0", "train", "--run-dir",
                runDir(), "--calm-head-lr-scale", "0");
        failsCleanly(run.runDir(), 2, "--ae-kl-weight must be a finite number >= 0, got -0.1", "train-ae", "--run-dir",
                runDir(), "--ae-kl-weight", "-0.1");
    }

    @Test
    void aLatentSizeTheTrainedAutoencoderDoesNotHaveIsNamed(@TempDir Path dir) throws IOException {
        Path copy = run.copy(dir.resolve("run"));
        failsCleanly(copy, 1, copy.resolve("autoencoder/config.json") + " holds another autoencoder", "train-ae",
                "--run-dir", copy.toString(), "--data", run.corpus().toString(), "--ae-latent", "32", "--ae-steps", "1");
        failsCleanly(copy, 1, copy.resolve("calm/config.json") + " holds another calm", "train", "--run-dir",
                copy.toString(), "--data", run.corpus().toString(), "--calm-head", "energy");
    }

    @Test
    void aVocabularyThatDisagreesWithTheRunsTokenizerIsAnError() throws IOException {
        for (String[] command : new String[][] {{"tokenizer", "train"}, {"quickstart"}}) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--run-dir", runDir(), "--data", run.corpus().toString(), "--vocab", "512"));
            failsCleanly(run.runDir(), 1, run.runDir().resolve("tokenizer.json") + " has 300 ids, not the 512 of "
                    + "--vocab: drop --vocab to reuse it", args.toArray(String[]::new));
        }
        failsCleanly(run.runDir(), 2, "--vocab must be > 257 (the bytes and end-of-text), got 0", "quickstart",
                "--run-dir", runDir(), "--vocab", "0");
    }
}
