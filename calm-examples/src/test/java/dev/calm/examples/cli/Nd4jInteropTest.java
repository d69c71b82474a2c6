/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static dev.calm.examples.cli.TinyRun.failsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.OfficialFixtures;
import dev.calm.core.nd4j.Nd4jArrays;
import dev.calm.core.nd4j.Nd4jNpy;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.experiment.CalmExperiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Deeplearning4j user's program takes CALM latents as {@code INDArray}s: from {@code calm encode --format npy}
 * (ND4J's own {@code Nd4j.createFromNpyFile} reads them) and in memory through {@code Nd4jArrays}, computes on
 * them with ND4J, and hands them back to the autoencoder, which decodes the same tokens. Bad input is one line.
 */
@CalmExperiment
class Nd4jInteropTest {

    private static final String TEXT = "the cat ran in the sun and the dog sat";

    @Test
    void aDl4jProgramReadsCalmLatentsAndHandsThemBack(@TempDir Path tmp, NDManager manager) throws IOException {
        Path ae = modelDir(tmp);
        Path npy = tmp.resolve("latents.npy");
        CliRun r = CliRun.run("encode", "--model-dir", ae.toString(), "--text", TEXT, "--format", "npy", "-o",
                npy.toString());
        assertEquals(0, r.exit(), r.err());

        // the library's own latents, in memory
        Autoencoder model = Autoencoder.fromPretrained(ae, manager);
        long[] ids = paddedIds(ae);
        NDArray tokens = manager.create(ids, new Shape(1, ids.length));
        NDArray mean = model.encode(tokens).mean(); // [1, N, l], a strided view of the encoder's output
        int n = ids.length / 4;
        INDArray inMemory = Nd4jArrays.toNd4j(mean).reshape(n, 8);

        // the user's side: plain ND4J
        INDArray z = Nd4j.createFromNpyFile(npy.toFile());
        assertArrayEquals(new long[] {n, 8}, z.shape());
        assertArrayEquals(inMemory.dup('c').data().asFloat(), z.dup('c').data().asFloat(),
                "the file holds exactly the library's posterior means");
        INDArray norms = z.norm2(1); // [N]
        INDArray cosine = z.mmul(z.transpose()).div(norms.reshape(n, 1).mmul(norms.reshape(1, n))); // [N, N]
        NDArray djlCosine = mean.reshape(n, 8).matMul(mean.reshape(n, 8).transpose())
                .div(mean.reshape(n, 8).norm(new int[] {1}, true).matMul(mean.reshape(n, 8).norm(new int[] {1}, true)
                        .transpose()));
        assertArrayEquals(djlCosine.toFloatArray(), cosine.dup('c').data().asFloat(), 1e-5f,
                "ND4J and libtorch agree on the latents' cosine similarities");
        INDArray nudged = z.add(Transforms.sign(z).mul(1e-6)); // the user's edit: a change far below the decoder's margin

        NDArray back = Nd4jArrays.toDjl(nudged.reshape(1, n, 8), manager);
        assertEquals(new Shape(1, n, 8), back.getShape());
        assertArrayEquals(model.decodeTokens(mean).toLongArray(), model.decodeTokens(back).toLongArray(),
                "the autoencoder decodes the latents the ND4J program hands back");

        CliRun inspect = CliRun.run("inspect", npy.toString());
        assertEquals(0, inspect.exit(), inspect.err());
        assertTrue(inspect.out().startsWith(npy + ": .npy array, float32 [" + n + ", 8], " + (n * 8) + " values\n"),
                inspect.out());
        assertTrue(inspect.out().contains(String.format(Locale.ROOT, "mean %.6g,", z.meanNumber().doubleValue())),
                inspect.out());
    }

    @Test
    void badFormatsAndUnreadableNpyFilesAreOneLine(@TempDir Path tmp) throws IOException {
        Path ae = modelDir(tmp);
        failsCleanly(tmp, 2, "Invalid value for option '--format': expected one of [npy, safetensors]", "encode",
                "--model-dir", ae.toString(), "--text", "x", "--format", "csv", "-o", tmp.resolve("z.npy").toString());
        failsCleanly(tmp, 2, "--format safetensors writes a .safetensors file, but --output " + tmp.resolve("z.npy")
                + " ends in .npy", "encode", "--model-dir", ae.toString(), "--text", "x", "--format", "safetensors",
                "-o", tmp.resolve("z.npy").toString());
        Path text = Files.writeString(tmp.resolve("notes.npy"), "not an array\n");
        failsCleanly(tmp, 1, text + ": not a .npy file (it does not start with \\x93NUMPY)", "inspect", text.toString());
        Path truncated = tmp.resolve("truncated.npy");
        Nd4jNpy.write(truncated, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 8));
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        failsCleanly(tmp, 1, truncated + ": shape [3, 8] of <f4 needs 96 bytes of data, the file holds 95", "inspect",
                truncated.toString());
    }

    private static Path modelDir(Path tmp) throws IOException {
        Path ae = OfficialFixtures.copy("autoencoder", tmp.resolve("ae"));
        Files.copy(OfficialFixtures.path("calm/tokenizer.json"), ae.resolve("tokenizer.json"));
        return ae;
    }

    /** The text's ids padded with [PAD] to a multiple of K = 4, as calm encode pads them. */
    private static long[] paddedIds(Path ae) {
        try (HfTokenizer tokenizer = HfTokenizer.loadWithPadToken(ae)) {
            int[] ids = tokenizer.encode(TEXT);
            int[] pad = tokenizer.encode(HfTokenizer.PAD);
            long[] padded = new long[(ids.length + 3) / 4 * 4];
            java.util.Arrays.fill(padded, pad[0]);
            for (int i = 0; i < ids.length; i++) {
                padded[i] = ids[i];
            }
            return padded;
        }
    }
}
