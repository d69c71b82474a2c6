/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.io.DType;
import dev.calm.experiment.CalmExperiment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four generative heads as a CALM's config selects them: each {@code head_type} builds its head, survives a
 * round trip through config.json and its checkpoint, and is counted by the FLOPs counters; a config written before a
 * field existed reads as before; a config that names a head without its settings is named.
 */
@CalmExperiment
class HeadTypesTest {

    private static final int K = 2;

    private static List<CalmConfig> everyHead() {
        CalmConfig tiny = CalmConfig.tiny(EnergyFixtures.VOCAB, K, EnergyFixtures.LATENT);
        return List.of(tiny, tiny.withMixtureHead(MixtureHeadConfig.defaults().withComponents(4)),
                tiny.withFlowHead(new FlowHeadConfig(1, 4, 3)),
                tiny.withDiffusionHead(DiffusionHeadConfig.of(1).withSamplingSteps(4).withPrediction("v")));
    }

    @Test
    void eachHeadTypeBuildsItsHeadAndRoundTripsThroughItsConfigAndCheckpoint(NDManager m, @TempDir Path dir) {
        Autoencoder ae = new Autoencoder(EnergyFixtures.autoencoderConfig(K));
        ae.initialize(m, new Rng(1));
        Map<String, Class<?>> expected = Map.of(CalmConfig.ENERGY, EnergyHead.class, CalmConfig.MIXTURE,
                MixtureEnergyHead.class, CalmConfig.FLOW, FlowMatchingHead.class, CalmConfig.DIFFUSION,
                DiffusionHead.class);
        for (CalmConfig config : everyHead()) {
            CalmConfig read = Json.parse(Json.toJson(config), CalmConfig.class, "config.json");
            assertEquals(config, read);
            Calm calm = new Calm(read, ae);
            calm.initialize(m, new Rng(2));
            assertEquals(expected.get(config.headType()), calm.head().getClass(), config.headType());
            assertTrue(TrainingFlops.counts(config, calm.head()), config.headType());
            Path file = dir.resolve(config.headType() + ".safetensors");
            calm.save(file, DType.F32);
            Calm reloaded = new Calm(read, ae);
            reloaded.load(file, m);
            NDArray h = new Rng(3).normal(m, new ai.djl.ndarray.types.Shape(2, 64), 0f, 1f);
            assertEquals(0f, calm.head().sample(h, 2, new Rng(4)).sub(reloaded.head().sample(h, 2, new Rng(4))).abs()
                    .max().getFloat(), config.headType() + ": the reloaded head draws the same samples");
        }
        Calm flow = new Calm(everyHead().get(2), ae);
        assertTrue(flow.namedParameters().keySet().stream().anyMatch(n -> n.startsWith("generative_head.net.time_embed.")),
                "the reference's names: " + flow.namedParameters().keySet());
    }

    @Test
    void aConfigWrittenBeforeTheHeadFieldsReadsAsTheEnergyHead() throws IOException {
        CalmConfig energy = everyHead().get(0);
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Json.toJson(energy));
        tree.remove(List.of("head_type", "mixture_head", "flow_head", "diffusion_head"));
        String older = Json.MAPPER.writeValueAsString(tree);
        assertFalse(older.contains("head_type") || older.contains("flow_head"), older);
        assertEquals(energy, Json.parse(older, CalmConfig.class, "config.json"));
    }

    @Test
    void aHeadWithoutItsSettingsOrAnUnknownHeadIsNamed() throws IOException {
        CalmConfig flow = everyHead().get(2);
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(Json.toJson(flow));
        tree.remove("flow_head");
        CalmException e = assertThrows(CalmException.class,
                () -> Json.parse(Json.MAPPER.writeValueAsString(tree), CalmConfig.class, "config.json"));
        assertTrue(e.getMessage().contains("head_type flow needs a flow_head config"), e.getMessage());
        tree.put("head_type", "gan");
        e = assertThrows(CalmException.class,
                () -> Json.parse(Json.MAPPER.writeValueAsString(tree), CalmConfig.class, "config.json"));
        assertTrue(e.getMessage().contains("head_type must be energy, flow, diffusion, mixture, got gan"),
                e.getMessage());
        ObjectNode steps = (ObjectNode) Json.MAPPER.readTree(Json.toJson(flow));
        ((ObjectNode) steps.get("flow_head")).put("num_steps", 0);
        e = assertThrows(CalmException.class,
                () -> Json.parse(Json.MAPPER.writeValueAsString(steps), CalmConfig.class, "config.json"));
        assertTrue(e.getMessage().contains("num_steps (the flow head's ODE steps) must be >= 1, got 0"),
                e.getMessage());
    }

    @Test
    void aHeadOtherThanItsConfigDescribesIsNotCounted() {
        CalmConfig flow = everyHead().get(2);
        int d = flow.backbone().hiddenSize();
        assertFalse(TrainingFlops.counts(flow, new FlowMatchingHead(new FlowHeadConfig(2, 4, 3), d, 6)), "other depth");
        assertFalse(TrainingFlops.counts(flow, new DiffusionHead(DiffusionHeadConfig.of(1), d, 6)), "other type");
        assertFalse(TrainingFlops.counts(everyHead().get(0), new FlowMatchingHead(flow.flowHead(), d, 6)),
                "a flow head in a CALM whose config says energy");
    }
}
