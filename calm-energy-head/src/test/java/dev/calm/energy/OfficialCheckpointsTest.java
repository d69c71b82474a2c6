/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.OfficialFixtures;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import dev.calm.experiment.MetricsRecorder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference implementation's checkpoints, as its code writes them (tiny models made by real PyTorch modules
 * written after the reference, {@code calm-core/src/test/python/make_official_fixtures.py}): loaded with
 * {@code fromPretrained}, the Java models reproduce the reference's posterior mean and log-std, reconstruction,
 * backbone hidden states and head output for given noise within 1e-5 in FP32, from a {@code pytorch_model.bin},
 * BF16 through {@code torch.save}, F16 shards with an index, and a CALM whose autoencoder is a sibling directory.
 */
@CalmExperiment
class OfficialCheckpointsTest {

    static final float TOLERANCE = 1e-5f;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    /** Asserts that {@code actual} is within the tolerance of {@code expected}, recording the difference if asked. */
    static void assertClose(String what, NDArray actual, NDArray expected, MetricsRecorder metrics) {
        float diff = maxAbsDiff(actual, expected);
        if (metrics != null) {
            metrics.record("max_abs_diff_" + what, diff);
        }
        assertTrue(diff < TOLERANCE, what + " differs by " + diff);
    }

    static Map<String, NDArray> reference(Path dir, NDManager manager) {
        try (SafeTensorsReader reader = SafeTensorsReader.open(dir.resolve("reference.safetensors"))) {
            return reader.readAll(manager);
        }
    }

    @Test
    void theAutoencoderReproducesThePosteriorAndTheReconstruction(Experiment experiment) {
        Path dir = OfficialFixtures.path("autoencoder");
        Autoencoder ae = Autoencoder.fromPretrained(dir, manager);
        Map<String, NDArray> ref = reference(dir, manager);
        Posterior q = ae.encode(ref.get("input_ids"));
        assertClose("mean", q.mean(), ref.get("mean"), experiment.metrics());
        assertClose("log_std", q.logStd(), ref.get("log_std"), experiment.metrics());
        assertClose("logits", ae.decode(q.mean()), ref.get("logits"), experiment.metrics());
        assertEquals(ref.get("reconstruction"), ae.reconstruct(ref.get("input_ids")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"calm", "calm-bf16", "calm-f16-sharded"})
    void aCalmReproducesTheHiddenStatesAndTheHeadOutput(String name, Experiment experiment) {
        Path dir = OfficialFixtures.path(name);
        assertReproduces(Calm.fromPretrained(dir, manager), reference(dir, manager), experiment.metrics());
    }

    @Test
    void aCalmFindsItsAutoencoderInASiblingDirectoryWhenItsAePathDoesNotExist() {
        Calm calm = Calm.fromPretrained(OfficialFixtures.path("calm-sibling"), manager);
        assertReproduces(calm, reference(OfficialFixtures.path("calm"), manager));
    }

    static void assertReproduces(Calm calm, Map<String, NDArray> ref) {
        assertReproduces(calm, ref, null);
    }

    static void assertReproduces(Calm calm, Map<String, NDArray> ref, MetricsRecorder metrics) {
        NDArray hidden = calm.hidden(ref.get("input_ids"), null); // [B, N, d]
        assertClose("hidden", hidden, ref.get("hidden"), metrics);
        NDArray positions = ref.get("hidden").reshape(-1, hidden.getShape().get(2)); // [P, d]
        NDArray z = ((EnergyHead) calm.head()).forward(ref.get("noise"), positions); // [n, P, l]
        assertClose("head_output", z, ref.get("head_output"), metrics);
        NDArray tokens = calm.decode(ref.get("head_output")); // [n, P*K]
        assertEquals(ref.get("tokens"), tokens.toType(DataType.INT64, false));
    }

    @Test
    void theLlamaBaselineReproducesHiddenStatesAndLogits(Experiment experiment) {
        Path dir = OfficialFixtures.path("llama");
        TokenBaseline llama = TokenBaseline.fromPretrained(dir, manager);
        Map<String, NDArray> ref = reference(dir, manager);
        NDArray hidden = llama.hidden(ref.get("input_ids"), null, null);
        assertClose("hidden", hidden, ref.get("hidden"), experiment.metrics());
        assertClose("logits", llama.logits(hidden), ref.get("logits"), experiment.metrics());
    }

    @Test
    void theFixturesHoldWhatTheReferenceWrites() {
        try (CheckpointReader bin = Checkpoints.open(OfficialFixtures.path("calm"))) {
            assertTrue(bin.contains("ae_model.encoder.embed_tokens.weight"));
            assertTrue(bin.contains("ae_model.decoder.lm_head_weight"));
            assertTrue(bin.contains("mlp_generator.final_layer.linears.2.weight"));
            assertTrue(bin.contains("generative_head.final_layer.linears.2.weight"));
            assertTrue(bin.spec("transformer.layers.0.self_attn.k_proj.weight").shape()[0]
                    < bin.spec("transformer.layers.0.self_attn.q_proj.weight").shape()[0], "GQA");
        }
    }
}
