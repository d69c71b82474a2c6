/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.GoldenFiles;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.io.DType;
import dev.calm.experiment.CalmExperiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backbone weights move through safetensors files, exactly in FP32 and to BF16 precision in BF16. */
@CalmExperiment
class CheckpointTest {

    private NDManager manager;
    private NDArray ids;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
        ids = Golden.io(manager).get("input_ids");
    }

    @Test
    void fp32RoundTripIsExact(@TempDir Path dir) {
        Transformer original = Golden.model(manager);
        Path file = dir.resolve("model.safetensors");
        original.save(file, DType.F32);
        Transformer copy = new Transformer(Golden.config());
        copy.load(file, manager);
        assertArrayEquals(original.forwardTokens(ids, null).toFloatArray(), copy.forwardTokens(ids, null).toFloatArray(), 0f);
    }

    @Test
    void bf16RoundTripKeepsEightBitsOfMantissa(@TempDir Path dir) throws Exception {
        Transformer original = Golden.model(manager);
        Path file = dir.resolve("model-bf16.safetensors");
        original.save(file, DType.BF16);
        Transformer copy = new Transformer(Golden.config());
        copy.load(file, manager);
        float[] w = original.stateDict().get("layers.0.mlp.up_proj.weight").toFloatArray();
        float[] v = copy.stateDict().get("layers.0.mlp.up_proj.weight").toFloatArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], v[i], Math.abs(w[i]) / 256, "weight " + i); // round to nearest: error <= 2^-9 relative
        }
        NDArray h = original.forwardTokens(ids, null);
        float diff = h.sub(copy.forwardTokens(ids, null)).abs().max().getFloat();
        float scale = h.abs().max().getFloat(); // about 3
        // weights off by up to 2^-9 relative, through two layers and three norms: stated bound 3% of max |h|
        assertTrue(diff < 0.03f * scale, "hidden states moved by " + diff + " at scale " + scale);
        assertTrue(diff > 0f, "BF16 is lossy");
        // 2 bytes per weight instead of 4
        long params = original.numParameters();
        assertTrue(Files.size(file) < 2 * params + 4096, "file of " + Files.size(file) + " bytes");
    }

    @Test
    void mismatchedCheckpointIsRejectedBeforeAnythingChanges(@TempDir Path dir) {
        Transformer other = new Transformer(new TransformerConfig(32, 16, 48, 2, 4, 2, 64, 10000, 1e-6));
        other.initialize(manager, new Rng(1));
        float[] before = other.forwardTokens(ids, null).toFloatArray();
        CalmException e = assertThrows(CalmException.class,
                () -> other.load(GoldenFiles.path("tiny_llama.safetensors"), manager));
        assertTrue(e.getMessage().contains("tiny_llama.safetensors does not match Transformer"), e.getMessage());
        assertTrue(e.getMessage().contains("layers.0.mlp.down_proj.weight (expected (16, 48), got (16, 40))"), e.getMessage());
        assertArrayEquals(before, other.forwardTokens(ids, null).toFloatArray(), 0f);
    }

    @Test
    void truncatedCheckpointIsAClearErrorAndTheModelIsUntouched(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(GoldenFiles.path("tiny_llama.safetensors"));
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
        Transformer model = Golden.model(manager);
        float[] before = model.forwardTokens(ids, null).toFloatArray();
        CalmException e = assertThrows(CalmException.class, () -> model.load(cut, manager));
        assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
        assertArrayEquals(before, model.forwardTokens(ids, null).toFloatArray(), 0f);
    }
}
