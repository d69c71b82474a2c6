/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.EnergyHead;
import dev.calm.energy.EnergyHeadConfig;
import dev.calm.experiment.CalmExperiment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The custom head draws Laplace noise of the uniform's variance, and samples are the network applied to it. */
@CalmExperiment
class LaplaceNoiseEnergyHeadTest {

    private static final EnergyHeadConfig CONFIG = EnergyHeadConfig.paper().withNoiseSize(4).withNumMlpLayers(1);

    @Test
    void noiseIsLaplaceWithTheUniformsVariance(NDManager manager) {
        LaplaceNoiseEnergyHead head = new LaplaceNoiseEnergyHead(CONFIG, 8, 6);
        int n = 200_000;
        float[] x = head.noise(manager, new Shape(n, 1, 1), new Rng(1)).toFloatArray();
        double mean = 0;
        double absMean = 0;
        for (float v : x) {
            mean += v;
            absMean += Math.abs(v);
        }
        mean /= n;
        absMean /= n;
        double m2 = 0;
        double m4 = 0;
        for (float v : x) {
            double d = v - mean;
            m2 += d * d;
            m4 += d * d * d * d;
        }
        m2 /= n;
        m4 /= n;
        // Laplace(0, b): E|x| = b, variance 2 b^2 = 1/12, excess kurtosis 3 (the uniform's is -1.2); tolerances are
        // about 5 standard errors at n = 200,000 (kurtosis: sqrt(2500 / n) = 0.11)
        assertEquals(0, mean, 0.004, "mean");
        assertEquals(LaplaceNoiseEnergyHead.SCALE, absMean, 0.003, "E|x|");
        assertEquals(1.0 / 12, m2, 0.002, "variance");
        assertEquals(3.0, m4 / (m2 * m2) - 3, 0.5, "excess kurtosis");
    }

    @Test
    void samplesAreTheForwardOfTheHeadsNoise(NDManager manager) {
        LaplaceNoiseEnergyHead head = new LaplaceNoiseEnergyHead(CONFIG, 8, 6);
        head.initialize(manager, new Rng(2));
        Map<String, NDArray> state = new LinkedHashMap<>(head.stateDict());
        String w = "final_layer.linears.2.weight"; // zero at initialisation, which would make every sample 0
        state.put(w, new Rng(3).normal(manager, state.get(w).getShape(), 0f, 0.5f));
        head.load(state, manager);
        NDArray hidden = new Rng(4).normal(manager, new Shape(5, 8), 0f, 1f); // [P 5, d 8]
        NDArray z = head.sample(hidden, 3, new Rng(10)); // [3, 5, 6]
        NDArray expected = head.forward(head.noise(manager, new Shape(3, 5, 4), new Rng(10)), hidden);
        assertEquals(0f, z.sub(expected).abs().max().getFloat());
        assertTrue(z.abs().max().getFloat() > 1e-3f, "the samples are not all zero");
    }

    @Test
    void theNetworkAndItsCheckpointNamesAreTheEnergyHeads() {
        CalmConfig config = CalmConfig.tiny(16, 4, 6);
        LaplaceNoiseEnergyHead head = LaplaceNoiseEnergyHead.of(config);
        EnergyHead stock = new EnergyHead(config.head(), config.backbone().hiddenSize(), config.latentSize());
        assertEquals(stock.parameterPrefix(), head.parameterPrefix());
        assertEquals(stock.namedParameters().keySet(), head.namedParameters().keySet());
    }
}
