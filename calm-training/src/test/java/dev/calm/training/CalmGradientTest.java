/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.nn.Parameter;
import dev.calm.energy.Calm;
import dev.calm.energy.EnergyFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where CALM's gradients go: the head's last layer starts at zero, so at step 0 only that layer receives a
 * gradient; once it has moved, every CALM parameter (backbone, input compression, head) is trained, while the
 * frozen autoencoder never gets a gradient and stays bit-identical.
 */
class CalmGradientTest {

    /** The head's zero-initialised output layer, z = W2 silu(...) + b2. */
    private static final String LAST_LAYER = "mlp_generator.final_layer.linears.2.";

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    @Test
    void atStepZeroOnlyTheZeroInitialisedLastLayerHasAGradient() {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Autoencoder ae = TinyModels.tinyAutoencoder(root, 1);
            Calm calm = EnergyFixtures.calm(ae, root, 2);
            for (Map.Entry<String, Parameter> e : calm.namedParameters().entrySet()) {
                if (e.getKey().startsWith(LAST_LAYER)) {
                    assertEquals(0f, maxAbs(e.getValue().array()), e.getKey() + " starts at zero");
                }
            }
            CalmObjective objective = new CalmObjective(calm);
            try (StepScope scope = StepScope.open(root, calm)) {
                NDArray batch = Runs.chunkData(4).next(scope.manager()); // [4, 16]
                try (GradientCollector collector = Backend.engine().newGradientCollector()) {
                    collector.backward(objective.loss(batch, new Rng(3)).loss());
                }
                List<String> withGradient = new ArrayList<>();
                for (Map.Entry<String, Parameter> e : calm.namedParameters().entrySet()) {
                    NDArray w = e.getValue().array();
                    assertTrue(w.hasGradient(), e.getKey() + " is trainable");
                    if (maxAbs(w.getGradient()) > 0) {
                        withGradient.add(e.getKey());
                    }
                    Backend.zeroGrad(w);
                }
                // z = 0 for every noise: the fidelity term pulls the bias and the weight (silu(...) is non-zero);
                // every other gradient passes through W2 = 0 and is exactly zero.
                assertEquals(List.of(LAST_LAYER + "weight", LAST_LAYER + "bias"), withGradient);
                for (Map.Entry<String, Parameter> e : ae.namedParameters().entrySet()) {
                    assertFalse(e.getValue().array().hasGradient(), e.getKey() + " of the frozen autoencoder");
                }
            }
        }
    }

    @Test
    void afterAFewStepsEveryCalmParameterIsTrainedAndTheAutoencoderIsUntouched(@TempDir Path dir) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Autoencoder ae = TinyModels.tinyAutoencoder(root, 1);
            Calm calm = EnergyFixtures.calm(ae, root, 2);
            float[] aeBefore = Runs.weights(ae);
            Map<String, float[]> before = values(calm);
            // no weight decay: a parameter can then only move through its gradient (AdamW's moments)
            TrainConfig config = Runs.config(6).learningRate(1e-2).weightDecay(0).build();
            TrainResult result = new Trainer(new CalmObjective(calm), Runs.chunkData(4), config, dir).fit();
            assertEquals(6, result.steps());

            Map<String, float[]> after = values(calm);
            for (String name : calm.namedParameters().keySet()) {
                assertFalse(Arrays.equals(before.get(name), after.get(name)), name + " has changed");
            }
            // The optimizer's second moments: sum of g^2 over the steps, non-zero iff a gradient was non-zero.
            Set<String> expected = new TreeSet<>();
            try (SafeTensorsReader moments = SafeTensorsReader.open(result.lastCheckpoint()
                    .resolve(CheckpointStore.OPTIMIZER))) {
                for (String name : calm.namedParameters().keySet()) {
                    expected.add("exp_avg." + name);
                    expected.add("exp_avg_sq." + name);
                    float max = 0;
                    for (float v : moments.readFloats("exp_avg_sq." + name)) {
                        max = Math.max(max, v);
                    }
                    assertTrue(max > 0, name + " has had a non-zero gradient");
                }
                assertEquals(expected, new TreeSet<>(moments.names()), "the optimizer holds exactly CALM's parameters");
            }
            for (Map.Entry<String, Parameter> e : ae.namedParameters().entrySet()) {
                assertFalse(e.getValue().array().hasGradient(), e.getKey() + " of the frozen autoencoder");
            }
            assertArrayEquals(aeBefore, Runs.weights(ae), 0f, "the autoencoder is bit-identical");
        }
    }

    private static Map<String, float[]> values(Calm calm) {
        Map<String, float[]> out = new LinkedHashMap<>();
        calm.stateDict().forEach((name, a) -> out.put(name, a.toFloatArray()));
        return out;
    }

    private static float maxAbs(NDArray a) {
        return a.abs().max().getFloat();
    }
}
