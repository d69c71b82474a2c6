/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.GoldenFiles;
import dev.calm.core.Rng;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The energy head against the reference's MLPGenerator: parameter names and shapes, golden numbers from an
 * independent numpy implementation (src/test/resources/golden/energy_head_reference.py), the zero-initialised
 * output, the noise it draws, and its loss.
 */
@CalmExperiment
class EnergyHeadTest {

    /** FP32 forward against the float64 reference, whose outputs were rounded to FP32. */
    private static final float GOLDEN_TOL = 1e-5f;

    /** The golden head: noise 4, 2 blocks, d 8, l 6 (N 3, M 100, beta 1 for the loss). */
    private static final EnergyHeadConfig GOLDEN = new EnergyHeadConfig(4, 2, 3, 100, 1.0);
    private static final int D = 8;
    private static final int L = 6;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private Map<String, NDArray> io() {
        return GoldenFiles.tensors("energy_head_io.safetensors", manager);
    }

    private EnergyHead golden() {
        EnergyHead head = new EnergyHead(GOLDEN, D, L);
        head.load(GoldenFiles.path("energy_head.safetensors"), manager);
        return head;
    }

    @Test
    void parameterNamesAndShapesAreTheReferenceMlpGenerators() {
        // MLPGenerator(hidden_size 8, noise_size 4, latent_size 6, num_mlp_layers 2), in registration order:
        // nn.Linear weights are [out, in]; MLPBlock.linears = Sequential(Linear(2d, d), SiLU, Linear(d, d), SiLU,
        // Linear(d, 2d)), so its linear layers sit at indices 0, 2, 4; FinalLayer.linears at 0, 2.
        List<String> expected = new ArrayList<>(List.of(
                "noise_embd.weight (8, 4)", "noise_embd.bias (8)",
                "hidden_embd.weight (8, 8)", "hidden_embd.bias (8)",
                "norm_hidden.weight (8)", "norm_hidden.bias (8)",
                "norm_noise.weight (8)", "norm_noise.bias (8)"));
        for (int b = 0; b < 2; b++) {
            String p = "mlp_blocks." + b + ".";
            expected.addAll(List.of(
                    p + "in_ln.weight (8)", p + "in_ln.bias (8)",
                    p + "linears.0.weight (8, 16)", p + "linears.0.bias (8)",
                    p + "linears.2.weight (8, 8)", p + "linears.2.bias (8)",
                    p + "linears.4.weight (16, 8)", p + "linears.4.bias (16)",
                    p + "down_proj.weight (8, 8)", p + "down_proj.bias (8)"));
        }
        expected.addAll(List.of(
                "final_layer.in_ln.weight (8)", "final_layer.in_ln.bias (8)",
                "final_layer.linears.0.weight (8, 8)", "final_layer.linears.0.bias (8)",
                "final_layer.linears.2.weight (6, 8)", "final_layer.linears.2.bias (6)"));
        List<String> actual = new ArrayList<>();
        new EnergyHead(GOLDEN, D, L).namedParameters().forEach((n, p) -> actual.add(n + " " + p.shape()));
        assertEquals(expected, actual);
        assertEquals("mlp_generator", new EnergyHead(GOLDEN, D, L).parameterPrefix());
        // the reference script writes the same names (read back from its safetensors file)
        try (SafeTensorsReader reader = SafeTensorsReader.open(GoldenFiles.path("energy_head.safetensors"))) {
            List<String> fromFile = new ArrayList<>();
            for (String name : reader.names()) {
                fromFile.add(name + " " + new Shape(reader.info(name).shape()));
            }
            assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(fromFile));
        }
    }

    @Test
    void forwardMatchesTheReference() {
        Map<String, NDArray> io = io();
        NDArray z = golden().forward(io.get("noise"), io.get("hidden")); // [3, 5, 4], [5, 8] -> [3, 5, 6]
        assertEquals(new Shape(3, 5, 6), z.getShape());
        assertTrue(maxAbsDiff(z, io.get("latent")) <= GOLDEN_TOL, "max |diff| " + maxAbsDiff(z, io.get("latent")));
    }

    @Test
    void oneSampleWithoutGradientsMatchesTheReference() {
        // generation draws one sample per position with gradients off: the head then reads [LN(x); y] in one
        // product (as the reference does) instead of sharing the y half across samples
        Map<String, NDArray> io = io();
        EnergyHead head = golden();
        Backend.setGradMode(false);
        try {
            for (int i = 0; i < 3; i++) {
                NDArray z = head.forward(io.get("noise").get(i + ":" + (i + 1)), io.get("hidden")); // [1, 5, 6]
                assertEquals(new Shape(1, 5, 6), z.getShape());
                NDArray expected = io.get("latent").get(i + ":" + (i + 1));
                assertTrue(maxAbsDiff(z, expected) <= GOLDEN_TOL, "sample " + i + ": " + maxAbsDiff(z, expected));
            }
        } finally {
            Backend.setGradMode(true);
        }
    }

    @Test
    void inputCompressionMatchesTheReference() {
        InputCompression embedProj = new InputCompression(2, D);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"),
                List.copyOf(embedProj.namedParameters().keySet()));
        embedProj.load(GoldenFiles.path("embed_proj.safetensors"), manager);
        Map<String, NDArray> io = io();
        NDArray out = embedProj.forward(io.get("chunk_embeddings")); // [2, 3, 16] -> [2, 3, 8]
        assertTrue(maxAbsDiff(out, io.get("compressed")) <= GOLDEN_TOL, "max |diff| "
                + maxAbsDiff(out, io.get("compressed")));
    }

    @Test
    void anUntrainedHeadSamplesExactlyZero() {
        EnergyHead head = new EnergyHead(GOLDEN, D, L);
        head.initialize(manager, new Rng(1));
        NDArray hidden = new Rng(2).normal(manager, new Shape(5, D), 0f, 1f);
        NDArray z = head.sample(hidden, 7, new Rng(3)); // [7, 5, 6]
        assertEquals(new Shape(7, 5, L), z.getShape());
        assertEquals(0f, z.abs().max().getFloat(), "the zero-initialised last layer gives z = 0 exactly");
    }

    @Test
    void sampleIsTheForwardOfUniformNoise() {
        EnergyHead head = golden();
        NDArray hidden = io().get("hidden"); // [5, 8]
        NDArray z = head.sample(hidden, 4, new Rng(10)); // [4, 5, 6]
        // the same generator state draws the same noise: U[-0.5, 0.5)^noise for each of the n x P samples
        NDArray noise = new Rng(10).uniform(manager, new Shape(4, 5, 4), -0.5f, 0.5f);
        assertEquals(0f, maxAbsDiff(z, head.forward(noise, hidden)));
        assertTrue(noise.min().getFloat() >= -0.5f && noise.max().getFloat() < 0.5f);
        // once the last layer is non-zero, different noise gives different outputs, sample by sample
        NDArray other = head.sample(hidden, 4, new Rng(11));
        NDArray perSample = z.sub(other).abs().max(new int[] {2}); // [4, 5]
        assertTrue(perSample.min().getFloat() > 1e-3f, "every sample depends on its noise");
        // and the n samples of one call differ from each other
        assertTrue(z.get("0").sub(z.get("1")).abs().max(new int[] {1}).min().getFloat() > 1e-3f);
    }

    @Test
    void samplesOfAPositionDependOnlyOnItsHiddenState() {
        EnergyHead head = golden();
        Map<String, NDArray> io = io();
        NDArray full = head.forward(io.get("noise"), io.get("hidden")); // [3, 5, 6]
        NDArray two = head.forward(io.get("noise").get(":, 1:3, :"), io.get("hidden").get("1:3, :")); // [3, 2, 6]
        assertTrue(maxAbsDiff(two, full.get(":, 1:3, :")) <= 1e-6f);
    }

    @Test
    void lossIsTheEnergyScoreOfTheSameDraws() {
        EnergyHead head = golden();
        NDArray hidden = io().get("hidden"); // [5, 8]
        Rng targets = new Rng(5);
        NDArray mean = targets.normal(manager, new Shape(5, L), 0f, 1f);
        NDArray logStd = targets.normal(manager, new Shape(5, L), -1f, 0.3f);
        TrainingLoss loss = head.loss(hidden, new Posterior(mean, logStd), new Rng(6));
        // by hand: N = 3 head samples from the first draw, then M = 100 posterior samples y = mean + eps * std
        Rng rng = new Rng(6);
        NDArray x = head.forward(rng.uniform(manager, new Shape(3, 5, 4), -0.5f, 0.5f), hidden); // [3, 5, 6]
        NDArray y = rng.normal(manager, new Shape(100, 5, L), 0f, 1f).mul(logStd.exp()).add(mean); // [100, 5, 6]
        EnergyScore.Terms t = EnergyScore.estimate(x, y, 1.0);
        assertEquals(new Shape(), loss.loss().getShape());
        assertEquals(t.loss().getFloat(), loss.loss().getFloat(), 1e-6f);
        assertEquals(List.of("energy_diversity", "energy_fidelity"), List.copyOf(loss.metrics().keySet()));
        assertEquals(t.diversity().mean().getFloat(), loss.metrics().get("energy_diversity").getFloat(), 1e-6f);
        assertEquals(t.fidelity().mean().getFloat(), loss.metrics().get("energy_fidelity").getFloat(), 1e-6f);
        assertEquals(2 * t.fidelity().mean().getFloat() - t.diversity().mean().getFloat(),
                loss.loss().getFloat(), 1e-5f);
    }

    @Test
    void lossGradientReachesEveryParameter() {
        EnergyHead head = golden();
        NDArray hidden = io().get("hidden");
        Posterior target = new Posterior(manager.zeros(new Shape(5, L)), manager.zeros(new Shape(5, L)));
        try (GradientCollector gc = Backend.engine().newGradientCollector()) {
            TrainingLoss loss = head.loss(hidden, target, new Rng(8));
            assertTrue(Float.isFinite(loss.loss().getFloat()));
            gc.backward(loss.loss());
        }
        head.namedParameters().forEach((name, p) -> {
            NDArray g = p.array().getGradient();
            assertFalse(g.isNaN().any().getBoolean(), name + " has a NaN gradient");
            assertTrue(g.abs().sum().getFloat() > 0, name + " received no gradient");
            Backend.zeroGrad(p.array());
        });
    }

    @Test
    void badShapesGetClearErrors() {
        EnergyHead head = golden();
        NDArray hidden = io().get("hidden"); // [5, 8]
        CalmException e = assertThrows(CalmException.class, () -> head.sample(hidden.reshape(1, 5, 8), 2, new Rng(1)));
        assertTrue(e.getMessage().contains("[positions, d]"), e.getMessage());
        e = assertThrows(CalmException.class, () -> head.sample(hidden, 0, new Rng(1)));
        assertTrue(e.getMessage().contains("n = 0"), e.getMessage());
        Posterior wrongL = new Posterior(manager.zeros(new Shape(5, 7)), manager.zeros(new Shape(5, 7)));
        e = assertThrows(CalmException.class, () -> head.loss(hidden, wrongL, new Rng(1)));
        assertTrue(e.getMessage().contains("[5, 6]") && e.getMessage().contains("(5, 7)"), e.getMessage());
        Posterior wrongP = new Posterior(manager.zeros(new Shape(4, 6)), manager.zeros(new Shape(4, 6)));
        assertThrows(CalmException.class, () -> head.loss(hidden, wrongP, new Rng(1)));
    }
}
