/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.CalmException;
import dev.calm.core.OfficialFixtures;
import dev.calm.core.config.Json;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.DType;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.ModelDirectory;
import dev.calm.experiment.CalmExperiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code savePretrained} writes what the reference implementation's code reads: the same state-dict keys, shapes
 * and bytes as its own {@code torch.save} of the same model, and the config fields it reads; and both layouts load
 * back to the same model. Bad directories fail with one line naming the problem.
 */
@CalmExperiment
class PretrainedRoundTripTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void theReferenceLayoutHoldsTheReferencesKeysAndBytes(@TempDir Path tmp) {
        Path official = OfficialFixtures.path("calm");
        Calm calm = Calm.fromPretrained(official, manager);
        Path out = tmp.resolve("calm");
        calm.savePretrained(out);
        assertSameTensors(official, out);
        ObjectNode config = (ObjectNode) ModelDirectory.config(out).json();
        ObjectNode reference = (ObjectNode) ModelDirectory.config(official).json();
        for (String field : new String[] {"model_type", "patch_size", "latent_size", "noise_size", "num_mlp_layers",
                "num_samples", "beta", "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "max_position_embeddings", "rope_theta",
                "rms_norm_eps", "hidden_act"}) {
            assertEquals(reference.get(field).asText(), config.get(field).asText(), field);
        }
        Path aeDir = Path.of(config.get("ae_path").asText());
        assertEquals(out.resolve("autoencoder").toAbsolutePath(), aeDir);
        assertSameTensors(OfficialFixtures.path("autoencoder"), aeDir);
        OfficialCheckpointsTest.assertReproduces(Calm.fromPretrained(out, manager),
                OfficialCheckpointsTest.reference(official, manager));
    }

    @Test
    void bf16ExportRoundsAsTorchDoes(@TempDir Path tmp) {
        Calm calm = Calm.fromPretrained(OfficialFixtures.path("calm"), manager);
        Path out = tmp.resolve("bf16");
        calm.savePretrained(out, Layout.REFERENCE, DType.BF16);
        assertSameTensors(OfficialFixtures.path("calm-bf16"), out);
    }

    @Test
    void thisLibrarysLayoutLoadsBack(@TempDir Path tmp) {
        Calm calm = Calm.fromPretrained(OfficialFixtures.path("calm"), manager);
        calm.autoencoder().savePretrained(tmp.resolve("autoencoder"), Layout.LIBRARY, DType.F32);
        calm.savePretrained(tmp.resolve("calm"), Layout.LIBRARY, DType.F32);
        assertEquals("calm", ModelDirectory.config(tmp.resolve("calm")).string("model_type", ""));
        try (CheckpointReader own = Checkpoints.open(tmp.resolve("calm"))) {
            assertTrue(own.names().stream().noneMatch(n -> n.startsWith("ae_model.") || n.startsWith("generative")));
        }
        OfficialCheckpointsTest.assertReproduces(Calm.fromPretrained(tmp.resolve("calm"), manager),
                OfficialCheckpointsTest.reference(OfficialFixtures.path("calm"), manager));
    }

    @Test
    void theBaselineRoundTripsAsALlamaForCausalLm(@TempDir Path tmp) {
        Path official = OfficialFixtures.path("llama");
        TokenBaseline llama = TokenBaseline.fromPretrained(official, manager);
        llama.savePretrained(tmp.resolve("llama"));
        assertSameTensors(official, tmp.resolve("llama"));
        assertEquals("llama", ModelDirectory.config(tmp.resolve("llama")).string("model_type", ""));
        llama.savePretrained(tmp.resolve("ours"), Layout.LIBRARY, DType.F32);
        assertEquals(llama.config(), TokenBaseline.fromPretrained(tmp.resolve("ours"), manager).config());
    }

    /** Same names, dtypes, shapes and bytes. */
    private static void assertSameTensors(Path expected, Path actual) {
        try (CheckpointReader a = Checkpoints.open(expected); CheckpointReader b = Checkpoints.open(actual)) {
            assertEquals(new TreeSet<>(a.names()), new TreeSet<>(b.names()));
            for (String name : a.names()) {
                assertEquals(a.spec(name), b.spec(name), name);
                assertEquals(a.readBytes(name), b.readBytes(name), name);
            }
        }
    }

    @Test
    void aDirectoryWithoutAConfigIsNamed(@TempDir Path tmp) throws IOException {
        Files.copy(OfficialFixtures.path("calm/pytorch_model.bin"), tmp.resolve("pytorch_model.bin"));
        fails(() -> Calm.fromPretrained(tmp, manager), tmp + " has no config.json");
        fails(() -> Autoencoder.fromPretrained(tmp.resolve("nope"), manager), tmp.resolve("nope")
                + ": no such directory");
    }

    @Test
    void aConfigWhoseShapesDisagreeNamesEachTensor(@TempDir Path tmp) throws IOException {
        Path dir = OfficialFixtures.copy("calm", tmp.resolve("calm"));
        edit(dir, config -> config.put("intermediate_size", 48));
        String message = fails(() -> Calm.fromPretrained(dir, manager), "does not match Calm: wrong shape [");
        for (int layer = 0; layer < 2; layer++) {
            for (String proj : new String[] {"gate_proj.weight (expected (48, 16)", "up_proj.weight (expected (48, 16)",
                    "down_proj.weight (expected (16, 48)"}) {
                assertTrue(message.contains("transformer.layers." + layer + ".mlp." + proj), message);
            }
        }
    }

    @Test
    void anAutoencoderOfAnotherKIsOneLine(@TempDir Path tmp) throws IOException {
        Path dir = OfficialFixtures.copy("calm-sibling", tmp.resolve("calm-sibling"));
        OfficialFixtures.copy("autoencoder", tmp.resolve("autoencoder"));
        edit(dir, config -> config.put("patch_size", 2));
        fails(() -> Calm.fromPretrained(dir, manager), dir.resolve("config.json") + ": the autoencoder (vocab_size "
                + "269, patch_size 4, latent_size 8) does not fit this CALM (vocab_size 269, patch_size 2, latent_size 8)");
    }

    @Test
    void aMissingAutoencoderOrAnotherModelIsNamed(@TempDir Path tmp) throws IOException {
        Path alone = OfficialFixtures.copy("calm-sibling", tmp.resolve("calm-sibling"));
        fails(() -> Calm.fromPretrained(alone, manager), alone + ": cannot find the CALM's autoencoder: its weights "
                + "hold no ae_model.* tensors and none of ");
        Path given = OfficialFixtures.copy("autoencoder", tmp.resolve("elsewhere/my-ae"));
        OfficialCheckpointsTest.assertReproduces(Calm.fromPretrained(alone, given, manager),
                OfficialCheckpointsTest.reference(OfficialFixtures.path("calm"), manager));
        Path llama = OfficialFixtures.path("llama");
        fails(() -> Calm.fromPretrained(llama, manager), "is a baseline checkpoint, expected a calm");
        Path gelu = OfficialFixtures.copy("llama", tmp.resolve("gelu"));
        edit(gelu, config -> config.put("hidden_act", "gelu"));
        fails(() -> TokenBaseline.fromPretrained(gelu, manager), "hidden_act \"gelu\" is not supported");
    }

    private static String fails(Runnable load, String part) {
        CalmException e = assertThrows(CalmException.class, load::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static void edit(Path dir, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(Files.readString(dir.resolve("config.json")));
        change.accept(config);
        Files.writeString(dir.resolve("config.json"), config.toString());
    }

    @Test
    void theHeadUnderBothNamesMustAgree(@TempDir Path tmp) {
        Set<String> names;
        try (CheckpointReader bin = Checkpoints.open(OfficialFixtures.path("calm"))) {
            names = new TreeSet<>(bin.names());
        }
        assertTrue(names.stream().filter(n -> n.startsWith("generative_head.")).count()
                == names.stream().filter(n -> n.startsWith("mlp_generator.")).count());
    }
}
