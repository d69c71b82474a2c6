/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.CalmException;
import dev.calm.core.GoldenFiles;
import dev.calm.core.Rng;
import dev.calm.experiment.CalmExperiment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The diffusion head: its network against the golden reference at a timestep, its loss at initialisation (the
 * noise's second moment), its processes, and its named errors. The process itself is {@link GaussianDiffusionTest}'s.
 */
@CalmExperiment
class DiffusionHeadTest {

    @Test
    void thePredictionIsTheReferenceNetworkAtTheTimestep(NDManager m) {
        DiffusionHead head = new DiffusionHead(DiffusionHeadConfig.of(2), 8, 6);
        assertEquals("generative_head", head.parameterPrefix());
        TimeConditionedMlpTest.loadGolden(head, m);
        Map<String, NDArray> io = GoldenFiles.tensors("time_conditioned_net_io.safetensors", m);
        NDArray out = head.predict(io.get("x"), 370, io.get("hidden"));
        assertTrue(maxAbsDiff(out, io.get("shared_out")) <= 1e-4f, "max |diff| " + maxAbsDiff(out, io.get("shared_out")));
        assertEquals(1000, head.process().numSteps());
        assertEquals(100, head.samplingProcess().numSteps());
        assertEquals(999, head.samplingProcess().timestep(99));
    }

    @Test
    void anUntrainedHeadPredictsNoNoiseSoItsLossIsTheNoisesSecondMoment(NDManager m) {
        DiffusionHead head = new DiffusionHead(DiffusionHeadConfig.of(1).withSamplingSteps(5), 16, 4);
        head.initialize(m, new Rng(1));
        NDArray hidden = new Rng(2).normal(m, new Shape(64, 16), 0f, 1f);
        Posterior target = new Posterior(new Rng(3).normal(m, new Shape(64, 4), 0f, 1f), m.zeros(new Shape(64, 4)));
        // 8 * 64 * 4 squares of N(0, 1): mean 1, SE 0.031
        assertEquals(1.0, head.loss(hidden, target, new Rng(4)).loss().getFloat(), 0.13);
        NDArray z = head.sample(hidden, 2, new Rng(5)); // [2, 64, 4]
        assertEquals(new Shape(2, 64, 4), z.getShape());
        assertTrue(Float.isFinite(z.abs().max().getFloat()));
    }

    @Test
    void badTimestepsAndSampleCountsAreNamed(NDManager m) {
        DiffusionHead head = new DiffusionHead(DiffusionHeadConfig.of(1), 16, 4);
        head.initialize(m, new Rng(1));
        NDArray hidden = m.zeros(new Shape(2, 16));
        NDArray x = m.zeros(new Shape(1, 2, 4));
        CalmException e = assertThrows(CalmException.class, () -> head.predict(x, 1000, hidden));
        assertTrue(e.getMessage().contains("the diffusion head's timestep t must be in [0, 1000), got 1000"),
                e.getMessage());
        e = assertThrows(CalmException.class, () -> head.predict(x, -1, hidden));
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
        e = assertThrows(CalmException.class, () -> head.sample(hidden, 0, new Rng(1)));
        assertTrue(e.getMessage().contains("sample needs n >= 1, got 0"), e.getMessage());
    }
}
