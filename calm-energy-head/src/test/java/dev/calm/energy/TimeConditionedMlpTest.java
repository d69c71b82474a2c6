/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.GoldenFiles;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.experiment.CalmExperiment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The flow and diffusion heads' network against golden numbers of an independent numpy implementation
 * (src/test/resources/golden/time_conditioned_net_reference.py): the energy head's blocks over an input projection
 * of x_t, conditioned on the hidden state and the reference's sinusoidal time embedding.
 */
@CalmExperiment
class TimeConditionedMlpTest {

    private static final int D = 8;
    private static final int L = 6;

    /**
     * FP32 against the float64 reference. The time features cos(t f) and sin(t f) at t up to 1000 carry a phase
     * error of about t * 2^-24 ~ 6e-5 in FP32 (PyTorch's own FP32 has it too), which the network carries to its
     * output: measured max |diff| 2e-5 with one time per sample, 1e-6 at the shared t = 370.
     */
    private static final float TOLERANCE = 1e-4f;

    private static TimeConditionedMlp golden(NDManager m) {
        TimeConditionedMlp net = new TimeConditionedMlp(D, L, 2);
        net.load(GoldenFiles.path("time_conditioned_net.safetensors"), m);
        return net;
    }

    /**
     * Loads the golden network into a head whose network is its child {@code net}.
     *
     * @param head a flow or diffusion head of d 8, l 6 and 2 blocks
     * @param m owner of the weights
     */
    static void loadGolden(GenerativeHead head, NDManager m) {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        GoldenFiles.tensors("time_conditioned_net.safetensors", m).forEach((k, v) -> weights.put("net." + k, v));
        head.load(weights, m);
    }

    @Test
    void parameterNamesAndShapesAreTheReferencesWhereItHasThem() {
        List<String> expected = new ArrayList<>(List.of("input_proj.weight (8, 6)", "input_proj.bias (8)",
                "cond_embed.weight (8, 8)", "cond_embed.bias (8)", "norm_cond.weight (8)", "norm_cond.bias (8)",
                "time_embed.mlp.0.weight (8, 256)", "time_embed.mlp.0.bias (8)",
                "time_embed.mlp.2.weight (8, 8)", "time_embed.mlp.2.bias (8)"));
        for (int b = 0; b < 2; b++) {
            String p = "mlp_blocks." + b + ".";
            expected.addAll(List.of(p + "in_ln.weight (8)", p + "in_ln.bias (8)", p + "linears.0.weight (8, 16)",
                    p + "linears.0.bias (8)", p + "linears.2.weight (8, 8)", p + "linears.2.bias (8)",
                    p + "linears.4.weight (16, 8)", p + "linears.4.bias (16)", p + "down_proj.weight (8, 8)",
                    p + "down_proj.bias (8)"));
        }
        expected.addAll(List.of("final_layer.in_ln.weight (8)", "final_layer.in_ln.bias (8)",
                "final_layer.linears.0.weight (8, 8)", "final_layer.linears.0.bias (8)",
                "final_layer.linears.2.weight (6, 8)", "final_layer.linears.2.bias (6)"));
        List<String> actual = new ArrayList<>();
        new TimeConditionedMlp(D, L, 2).namedParameters().forEach((n, p) -> actual.add(n + " " + p.shape()));
        assertEquals(expected, actual);
        try (SafeTensorsReader reader = SafeTensorsReader.open(GoldenFiles.path("time_conditioned_net.safetensors"))) {
            List<String> fromFile = new ArrayList<>();
            for (String name : reader.names()) {
                fromFile.add(name + " " + new Shape(reader.info(name).shape()));
            }
            assertEquals(new TreeSet<>(expected), new TreeSet<>(fromFile));
        }
    }

    @Test
    void forwardMatchesTheReferenceWithATimePerSampleAndWithOneSharedTime(NDManager m) {
        Map<String, NDArray> io = GoldenFiles.tensors("time_conditioned_net_io.safetensors", m);
        TimeConditionedMlp net = golden(m);
        NDArray c = net.condition(io.get("hidden")); // [5, 8]
        NDArray out = net.forward(io.get("x"), io.get("times"), c); // [3, 5, 6], times [3, 5]
        assertEquals(new Shape(3, 5, L), out.getShape());
        assertTrue(maxAbsDiff(out, io.get("out")) <= TOLERANCE, "max |diff| " + maxAbsDiff(out, io.get("out")));
        NDArray shared = net.forward(io.get("x"), m.create(new float[] {370f}), c); // one t for all: [1]
        assertTrue(maxAbsDiff(shared, io.get("shared_out")) <= TOLERANCE,
                "max |diff| " + maxAbsDiff(shared, io.get("shared_out")));
    }
}
