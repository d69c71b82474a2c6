/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.energy.EnergyFixtures.LATENT;
import static dev.calm.energy.EnergyFixtures.VOCAB;
import static dev.calm.energy.EnergyFixtures.autoencoderConfig;
import static dev.calm.energy.EnergyFixtures.randomiseHeadOutput;
import static dev.calm.energy.EnergyFixtures.tinyCalm;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static dev.calm.core.TokenFixtures.randomTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.llama.KVCache;
import dev.calm.core.llama.Transformer;
import dev.calm.core.nn.Parameter;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CALM model over a tiny initialised autoencoder: checkpoint names, the frozen autoencoder, causality and
 * KV-cache equivalence of the chunk backbone, and the training loss recomputed by hand from the same draws.
 */
@CalmExperiment
class CalmTest {

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    @Test
    void checkpointNamesAreTheReferencesAndTheAutoencoderIsFrozenApart() {
        int k = 4;
        Calm calm = tinyCalm(manager, k);
        Map<String, Parameter> names = calm.namedParameters();
        Set<String> expected = new TreeSet<>();
        new Transformer(calm.config().backbone()).namedParameters().keySet().forEach(n -> expected.add("transformer." + n));
        new EnergyHead(calm.config().head(), 64, LATENT).namedParameters().keySet()
                .forEach(n -> expected.add("mlp_generator." + n));
        // embed_proj = Sequential(Linear(K*d, 2d), SiLU, Linear(2d, d), LayerNorm(d)): indices 0, 2, 3
        Map<String, Shape> embedProj = Map.of(
                "embed_proj.0.weight", new Shape(128, 4 * 64), "embed_proj.0.bias", new Shape(128),
                "embed_proj.2.weight", new Shape(64, 128), "embed_proj.2.bias", new Shape(64),
                "embed_proj.3.weight", new Shape(64), "embed_proj.3.bias", new Shape(64));
        expected.addAll(embedProj.keySet());
        assertEquals(expected, new TreeSet<>(names.keySet()));
        embedProj.forEach((n, s) -> assertEquals(s, names.get(n).shape(), n));
        assertTrue(names.containsKey("transformer.embed_tokens.weight"));
        assertTrue(names.containsKey("transformer.layers.1.self_attn.q_proj.weight"));
        assertTrue(names.containsKey("mlp_generator.mlp_blocks.0.linears.4.weight"));
        assertTrue(names.keySet().stream().noneMatch(n -> n.contains("encoder") || n.contains("decoder")),
                "the autoencoder's parameters are not part of a CALM checkpoint");
        // the autoencoder receives no gradients; the CALM's own parameters do
        calm.autoencoder().namedParameters().forEach((n, p) -> assertFalse(p.array().hasGradient(), n));
        names.forEach((n, p) -> assertTrue(p.array().hasGradient(), n));
        assertEquals(calm.transformer().numParameters() + calm.head().numParameters()
                + (256L * 128 + 128 + 128 * 64 + 64 + 64 + 64), calm.numParameters());
    }

    @Test
    void anAutoencoderThatDoesNotFitIsRejectedByField() {
        Autoencoder otherVocab = new Autoencoder(AutoencoderConfig.paper(25).toBuilder().hiddenSize(16)
                .intermediateSize(40).latentSize(6).build());
        otherVocab.initialize(manager, new Rng(1));
        CalmException e = assertThrows(CalmException.class, () -> new Calm(CalmConfig.tiny(VOCAB, 4, 6), otherVocab));
        assertTrue(e.getMessage().contains("vocab_size 25") && e.getMessage().contains("vocab_size 24"),
                e.getMessage());
        Autoencoder otherK = new Autoencoder(autoencoderConfig(2));
        otherK.initialize(manager, new Rng(1));
        e = assertThrows(CalmException.class, () -> new Calm(CalmConfig.tiny(VOCAB, 4, 6), otherK));
        assertTrue(e.getMessage().contains("patch_size 2") && e.getMessage().contains("patch_size 4"), e.getMessage());
        e = assertThrows(CalmException.class, () -> new Calm(CalmConfig.tiny(VOCAB, 2, 8), otherK));
        assertTrue(e.getMessage().contains("latent_size 6") && e.getMessage().contains("latent_size 8"),
                e.getMessage());
        Autoencoder untrained = new Autoencoder(autoencoderConfig(4));
        e = assertThrows(CalmException.class, () -> new Calm(CalmConfig.tiny(VOCAB, 4, 6), untrained));
        assertTrue(e.getMessage().contains("trained or loaded"), e.getMessage());
    }

    @Test
    void hiddenStatesAreCausalOverChunks() {
        int k = 4;
        Calm calm = tinyCalm(manager, k);
        NDArray tokens = randomTokens(manager, 5, 1, 5 * k, VOCAB); // [1, 20]: 5 chunks
        NDArray h = calm.hidden(tokens, null); // [1, 5, 64]
        assertEquals(new Shape(1, 5, 64), h.getShape());
        long[] changed = tokens.toLongArray();
        changed[3 * k + 1] = (changed[3 * k + 1] + 1) % VOCAB; // one token of chunk 3
        NDArray h2 = calm.hidden(manager.create(changed, new Shape(1, 5 * k)), null);
        assertEquals(0f, maxAbsDiff(h.get(":, :3, :"), h2.get(":, :3, :")), 1e-6f, "chunks 0..2 see no later token");
        assertTrue(maxAbsDiff(h.get(":, 3, :"), h2.get(":, 3, :")) > 1e-4f, "chunk 3 sees its own tokens");
    }

    @Test
    void theKvCacheGivesTheFullPassesHiddenStates() {
        int k = 4;
        Calm calm = tinyCalm(manager, k);
        NDArray tokens = randomTokens(manager, 6, 1, 5 * k, VOCAB); // 5 chunks
        NDArray full = calm.hidden(tokens, null); // [1, 5, 64]
        NDList pieces = new NDList();
        try (KVCache cache = calm.newCache(manager)) {
            pieces.add(calm.hidden(tokens.get(":, 0:8"), cache)); // chunks 0-1 at once, as a prompt
            for (int c = 2; c < 5; c++) {
                pieces.add(calm.hidden(tokens.get(":, " + c * k + ":" + (c + 1) * k), cache)); // one chunk a step
            }
            assertEquals(5, cache.length(), "the cache's positions are chunks");
            NDArray cached = NDArrays.concat(pieces, 1); // [1, 5, 64]
            assertTrue(maxAbsDiff(cached, full) <= 1e-5f, "max |diff| " + maxAbsDiff(cached, full));
        }
    }

    @Test
    void trainingLossIsTheHeadsEnergyLossOnShiftedChunks() {
        // Recomputed from the parts: chunk i's hidden state (from a pass over chunks 0..i alone, by causality)
        // predicts chunk i + 1, whose target is the autoencoder's posterior of that chunk alone; then the head's
        // N samples from the first draw of the same Rng and M posterior samples from the second.
        int k = 2;
        Calm calm = tinyCalm(manager, k);
        randomiseHeadOutput(calm, manager);
        NDArray tokens = randomTokens(manager, 7, 2, 4 * k, VOCAB); // [2, 8]: 4 chunks, 3 predicted per row, P = 6
        TrainingLoss loss = calm.trainingLoss(tokens, new Rng(9));

        NDList hidden = new NDList();
        NDList means = new NDList();
        NDList logStds = new NDList();
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 3; i++) {
                NDArray prefix = tokens.get(b + ":" + (b + 1) + ", 0:" + (i + 1) * k); // [1, (i+1)K]
                hidden.add(calm.hidden(prefix, null).get(":, -1, :")); // [1, 64]
                Posterior q = calm.autoencoder().encode(tokens.get(b + ":" + (b + 1) + ", "
                        + (i + 1) * k + ":" + (i + 2) * k)); // [1, 1, l]
                means.add(q.mean().reshape(1, LATENT));
                logStds.add(q.logStd().reshape(1, LATENT));
            }
        }
        NDArray h = NDArrays.concat(hidden, 0); // [6, 64]
        NDArray mean = NDArrays.concat(means, 0); // [6, l]
        NDArray std = NDArrays.concat(logStds, 0).exp(); // [6, l]
        Rng rng = new Rng(9);
        EnergyHead head = (EnergyHead) calm.head();
        NDArray x = head.forward(rng.uniform(manager, new Shape(8, 6, 16), -0.5f, 0.5f), h); // [N 8, 6, l]
        NDArray y = rng.normal(manager, new Shape(100, 6, LATENT), 0f, 1f).mul(std).add(mean); // [M 100, 6, l]
        EnergyScore.Terms t = EnergyScore.estimate(x, y, 1.0);
        float expected = t.loss().getFloat();
        assertEquals(expected, loss.loss().getFloat(), 1e-5f * Math.abs(expected) + 1e-6f);
        assertEquals(t.diversity().mean().getFloat(), loss.metrics().get("energy_diversity").getFloat(), 1e-5f);
        assertEquals(t.fidelity().mean().getFloat(), loss.metrics().get("energy_fidelity").getFloat(), 1e-5f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void everyPatchSizeGivesShapesAndTheUntrainedHeadsLossByHand(int k) {
        // An untrained head samples x = 0, so every model pair is clamped at |.| = sqrt(1e-10) = 1e-5 and
        // loss = 2 mean_{p,m} |y_{m,p}| - 1e-5 with y = mean + eps * std, eps the Rng's second draw.
        Calm calm = tinyCalm(manager, k);
        NDArray tokens = randomTokens(manager, k, 2, 3 * k, VOCAB); // [2, 3K]: 3 chunks, P = 2 * 2
        assertEquals(new Shape(2, 3, 64), calm.hidden(tokens, null).getShape());
        TrainingLoss loss = calm.trainingLoss(tokens, new Rng(4));
        float value = loss.loss().getFloat();
        assertTrue(Float.isFinite(value) && value > 0, "loss " + value);

        Posterior q = calm.autoencoder().encode(tokens.get(":, " + k + ":")); // [2, 2, l]
        Rng rng = new Rng(4);
        rng.uniform(manager, new Shape(8, 4, 16), -0.5f, 0.5f); // the head's noise, unused by a zero head
        NDArray eps = rng.normal(manager, new Shape(100, 4, LATENT), 0f, 1f); // [M, P, l]
        NDArray y = eps.mul(q.std().reshape(4, LATENT)).add(q.mean().reshape(4, LATENT));
        float byHand = y.norm(new int[] {2}).mean().getFloat() * 2 - 1e-5f;
        assertEquals(byHand, value, 1e-5f * byHand);
        assertEquals(1e-5f, loss.metrics().get("energy_diversity").getFloat(), 1e-9f);
    }

    @Test
    void trainingGradientsReachTheCalmButNotTheAutoencoder() {
        Calm calm = tinyCalm(manager, 2);
        randomiseHeadOutput(calm, manager);
        NDArray tokens = randomTokens(manager, 8, 2, 8, VOCAB);
        try (GradientCollector gc = Backend.engine().newGradientCollector()) {
            gc.backward(calm.trainingLoss(tokens, new Rng(1)).loss());
        }
        calm.namedParameters().forEach((name, p) -> {
            NDArray g = p.array().getGradient();
            assertFalse(g.isNaN().any().getBoolean(), name);
            assertTrue(g.abs().sum().getFloat() > 0, name + " received no gradient");
            Backend.zeroGrad(p.array());
        });
        calm.autoencoder().namedParameters().forEach((n, p) -> assertFalse(p.array().hasGradient(), n));
    }

    @Test
    void badTokenShapesGetClearErrors() {
        Calm calm = tinyCalm(manager, 4);
        CalmException e = assertThrows(CalmException.class,
                () -> calm.trainingLoss(manager.zeros(new Shape(2, 10), DataType.INT64), new Rng(1)));
        assertTrue(e.getMessage().contains("multiple of K = 4") && e.getMessage().contains("(2, 10)"), e.getMessage());
        e = assertThrows(CalmException.class,
                () -> calm.trainingLoss(manager.zeros(new Shape(2, 4), DataType.INT64), new Rng(1)));
        assertTrue(e.getMessage().contains("at least 8 tokens"), e.getMessage());
        e = assertThrows(CalmException.class, () -> calm.hidden(manager.zeros(new Shape(8), DataType.INT64), null));
        assertTrue(e.getMessage().contains("[batch, T]"), e.getMessage());
        NDArray decoded = calm.decode(manager.zeros(new Shape(1, 2, LATENT))); // 2 vectors -> 2K tokens
        assertEquals(new Shape(1, 8), decoded.getShape());
        assertEquals(DataType.INT64, decoded.getDataType());
    }
}
