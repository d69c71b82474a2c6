/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static dev.calm.examples.cli.TinyRun.failsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.OfficialFixtures;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.energy.Calm;
import dev.calm.experiment.CalmExperiment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code calm inspect}, {@code calm convert}, {@code calm encode} and {@code --model-dir} on the reference
 * implementation's checkpoints (the official-layout fixtures of calm-core): conversions byte-exact, latents equal
 * to the library's, and bad input one line with nothing written.
 */
@CalmExperiment
class PretrainedCommandsTest {

    @Test
    void inspectDescribesAReferenceCalm(NDManager manager) {
        Path dir = OfficialFixtures.path("calm");
        CliRun r = CliRun.run("inspect", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains(dir + ": calm, the reference implementation's layout"), r.out());
        assertTrue(r.out().contains("autoencoder: inside the weights (ae_model.*)"), r.out());
        assertTrue(r.out().contains("head: mlp_generator.* and generative_head.*"), r.out());
        assertTrue(r.out().contains("\"num_key_value_heads\" : 2"), r.out());
        assertTrue(r.out().matches("(?s).*\n  ae_model\\.encoder\\.embed_tokens\\.weight +F32  \\[269, 16\\]\n.*"), r.out());
        Calm calm = Calm.fromPretrained(dir, manager);
        long parameters = calm.numParameters() + calm.autoencoder().numParameters();
        assertTrue(r.out().contains(String.format(Locale.ROOT, "%,d parameters (", parameters)), r.out());
        CliRun file = CliRun.run("inspect", OfficialFixtures.path("torch/views.bin").toString());
        assertEquals(0, file.exit(), file.err());
        assertTrue(file.out().matches("(?s).*\n  bfloat16 +BF16 \\[3, 2\\]\n.*"), file.out());
    }

    @Test
    void convertIsByteExactBothWays(@TempDir Path tmp) throws IOException {
        Path bin = OfficialFixtures.path("calm");
        Path single = tmp.resolve("single");
        assertEquals(0, CliRun.run("convert", bin.toString(), single.toString()).exit());
        assertTrue(Files.isRegularFile(single.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(single.resolve("config.json")) && Files.isRegularFile(single.resolve("tokenizer.json")));
        assertFalse(Files.exists(single.resolve("reference.safetensors")) || Files.exists(single.resolve("pytorch_model.bin")));
        assertSameTensors(bin, single);
        Path sharded = tmp.resolve("sharded");
        CliRun r = CliRun.run("convert", single.toString(), sharded.toString(), "--shard-size", "40KB");
        assertEquals(0, r.exit(), r.err());
        try (Stream<Path> files = Files.list(sharded)) {
            assertTrue(files.filter(f -> f.getFileName().toString().matches("model-0000\\d-of-0000\\d.safetensors"))
                    .count() > 2);
        }
        assertSameTensors(bin, sharded);
        Path back = tmp.resolve("back.safetensors");
        assertEquals(0, CliRun.run("convert", OfficialFixtures.path("calm-f16-sharded").toString(), back.toString()).exit());
        assertSameTensors(OfficialFixtures.path("calm-f16-sharded"), back);
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("back.safetensors", "sharded", "single"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary files left");
        }
    }

    private static void assertSameTensors(Path expected, Path actual) {
        try (CheckpointReader a = Checkpoints.open(expected); CheckpointReader b = Checkpoints.open(actual)) {
            assertEquals(List.copyOf(new TreeSet<>(a.names())), List.copyOf(new TreeSet<>(b.names())));
            for (String name : a.names()) {
                assertEquals(a.spec(name), b.spec(name), name);
                assertEquals(a.readBytes(name), b.readBytes(name), name);
            }
        }
    }

    @Test
    void badConversionsAreOneLineAndWriteNothing(@TempDir Path tmp) throws IOException {
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        Files.writeString(existing.resolve("keep.txt"), "mine");
        String calm = OfficialFixtures.path("calm").toString();
        failsCleanly(tmp, 2, "OUT " + existing + " already exists", "convert", calm, existing.toString());
        failsCleanly(tmp, 2, "IN " + tmp.resolve("nope") + " does not exist", "convert", tmp.resolve("nope").toString(),
                tmp.resolve("out").toString());
        failsCleanly(tmp, 2, "--shard-size must be a size such as 5GB", "convert", calm, tmp.resolve("out").toString(),
                "--shard-size", "5XB");
        Path broken = Files.write(tmp.resolve("broken.bin"), new byte[] {'P', 'K', 3, 4, 0, 0});
        failsCleanly(tmp, 1, broken + ": not a readable zip archive", "convert", broken.toString(),
                tmp.resolve("out").toString());
        Path refused = OfficialFixtures.path("torch/refused-global.bin");
        failsCleanly(tmp, 1, "refused global 'posix.system'", "convert", refused.toString(),
                tmp.resolve("out.safetensors").toString());
        failsCleanly(tmp, 2, "does not exist", "inspect", tmp.resolve("nope").toString());
    }

    @Test
    void generateRunsAReferenceCalmAndLlama() {
        for (String model : new String[] {"calm", "llama"}) {
            CliRun r = CliRun.run("generate", "--model-dir", OfficialFixtures.path(model).toString(), "-p",
                    "the cat", "-n", "8", "--no-stop", "--device", "cpu");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("(" + (model.equals("calm") ? "calm" : "baseline") + ", T = 1.0, 8 tokens"),
                    r.out());
        }
    }

    @Test
    void encodeWritesThePosteriorMeans(@TempDir Path tmp, NDManager manager) throws IOException {
        Path aeDir = OfficialFixtures.path("autoencoder");
        Path calmDir = OfficialFixtures.path("calm");
        Files.copy(calmDir.resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Path ae = OfficialFixtures.copy("autoencoder", tmp.resolve("ae"));
        Files.copy(calmDir.resolve("tokenizer.json"), ae.resolve("tokenizer.json"));
        String text = "the cat ran in the sun";
        Path npy = tmp.resolve("z.npy");
        CliRun r = CliRun.run("encode", "--model-dir", ae.toString(), "--text", text, "-o", npy.toString());
        assertEquals(0, r.exit(), r.err());
        Path st = tmp.resolve("z.safetensors");
        assertEquals(0, CliRun.run("encode", "--model-dir", calmDir.toString(), "--text", text, "-o", st.toString()).exit());

        int[] ids;
        try (HfTokenizer tokenizer = HfTokenizer.loadWithPadToken(calmDir)) {
            ids = tokenizer.encode(text);
        }
        long[] padded = new long[(ids.length + 3) / 4 * 4];
        java.util.Arrays.fill(padded, 268);
        for (int i = 0; i < ids.length; i++) {
            padded[i] = ids[i];
        }
        Autoencoder model = Autoencoder.fromPretrained(aeDir, manager);
        NDArray mean = model.encode(manager.create(padded, new Shape(1, padded.length))).mean();
        float[] expected = mean.toFloatArray();
        byte[] file = Files.readAllBytes(npy);
        int headerLength = ByteBuffer.wrap(file, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(file, 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (" + padded.length / 4 + ", 8)"), header);
        float[] actual = new float[expected.length];
        ByteBuffer.wrap(file, 10 + headerLength, 4 * actual.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(actual);
        assertArrayEquals(expected, actual);
        try (SafeTensorsReader reader = SafeTensorsReader.open(st)) {
            assertArrayEquals(expected, reader.readFloats("mean"), "the CALM's own autoencoder");
            assertArrayEquals(padded, reader.readLongs("input_ids"));
        }
    }

    @Test
    void evalScoresAReferenceCalmAndItsAutoencoder(@TempDir Path tmp) throws IOException {
        Path corpus = QuickstartCommandTest.corpus(tmp);
        Path run = tmp.resolve("results");
        CliRun r = CliRun.run("eval", "--model-dir", OfficialFixtures.path("calm").toString(), "--data",
                corpus.toString(), "--tokens", "256", "--eval-tokens", "256", "--sigmas", "0", "--device", "cpu",
                "--run-dir", run.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| calm | validation |"), r.out());
        assertTrue(r.out().contains("reconstruction on validation"), r.out());
        assertTrue(Files.isRegularFile(run.resolve("brier-eval.json")));
        assertTrue(Files.isRegularFile(run.resolve("reconstruction-eval.json")));
    }

    @Test
    void badModelDirectoriesAreOneLine(@TempDir Path tmp) throws IOException {
        Path noTokenizer = OfficialFixtures.copy("autoencoder", tmp.resolve("ae"));
        failsCleanly(tmp, 1, noTokenizer + " has no tokenizer.json", "generate", "--model-dir",
                noTokenizer.toString(), "-p", "the");
        Files.copy(OfficialFixtures.path("calm/tokenizer.json"), noTokenizer.resolve("tokenizer.json"));
        failsCleanly(tmp, 1, noTokenizer + " holds an autoencoder, not a language model", "generate",
                "--model-dir", noTokenizer.toString(), "-p", "the");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        failsCleanly(tmp, 1, empty + " has no config.json", "generate", "--model-dir", empty.toString(), "-p", "the");
        Path calm = OfficialFixtures.copy("calm-sibling", tmp.resolve("k2/calm"));
        OfficialFixtures.copy("autoencoder", tmp.resolve("k2/autoencoder"));
        Files.copy(OfficialFixtures.path("calm/tokenizer.json"), calm.resolve("tokenizer.json"));
        String config = Files.readString(calm.resolve("config.json")).replace("\"patch_size\": 4", "\"patch_size\": 2");
        Files.writeString(calm.resolve("config.json"), config);
        failsCleanly(tmp, 1, calm.resolve("config.json") + ": the autoencoder (vocab_size 269, patch_size 4, "
                + "latent_size 8) does not fit this CALM (vocab_size 269, patch_size 2", "generate", "--model-dir",
                calm.toString(), "-p", "the");
        failsCleanly(tmp, 2, "--model-dir is required", "encode", "--text", "x", "-o", tmp.resolve("z.npy").toString());
        failsCleanly(tmp, 2, "--output must name a .npy or .safetensors file", "encode", "--model-dir",
                noTokenizer.toString(), "--text", "x", "-o", tmp.resolve("z.txt").toString());
    }
}
