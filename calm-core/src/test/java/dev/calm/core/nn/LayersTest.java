/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The building blocks against values computed by hand (see the comments for the arithmetic). */
class LayersTest {

    private static final float TOL = 1e-6f;
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = Backend.newManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray row(float... values) {
        return manager.create(values, new Shape(1, values.length));
    }

    @Test
    void rmsNormMatchesHandComputedValues() {
        // x = [1, 2, 3, 4]: mean(x^2) = 30 / 4 = 7.5, rms = sqrt(7.5 + 1e-6) = 2.7386129...
        // y = w * x / rms with w = [1, 1, 2, 0.5]
        RMSNorm norm = new RMSNorm(4, 1e-6);
        norm.load(Map.of("weight", manager.create(new float[] {1, 1, 2, 0.5f})), manager);
        float[] y = norm.forward(row(1, 2, 3, 4)).toFloatArray();
        assertArrayEquals(new float[] {0.36514835f, 0.73029669f, 2.19089008f, 0.73029669f}, y, TOL);
    }

    @Test
    void rmsNormEpsilonMattersOnlyNearZero() {
        // x = 0 gives 0 / sqrt(eps) = 0, not NaN
        RMSNorm norm = new RMSNorm(3, 1e-6);
        norm.initialize(manager, new Rng(1));
        assertArrayEquals(new float[] {0, 0, 0}, norm.forward(row(0, 0, 0)).toFloatArray(), 0f);
    }

    @Test
    void layerNormMatchesHandComputedValues() {
        // x = [1, 2, 3, 4]: mean 2.5, biased variance 1.25, y = (x - 2.5) / sqrt(1.25 + 1e-5)
        LayerNorm norm = new LayerNorm(4, 1e-5);
        norm.initialize(manager, new Rng(1));
        float[] y = norm.forward(row(1, 2, 3, 4)).toFloatArray();
        assertArrayEquals(new float[] {-1.34163542f, -0.44721181f, 0.44721181f, 1.34163542f}, y, TOL);
    }

    @Test
    void swigluMatchesHandComputedValues() {
        // gate = I, up = [[1, 1], [0, 2]], down = [[1, 0], [1, 1]], x = [2, 1]
        // gate(x) = [2, 1], silu = [2 s(2), 1 s(1)] = [1.7615942, 0.7310586]; up(x) = [3, 2]
        // product = [5.2847825, 1.4621172]; down = [5.2847825, 6.7468996]
        SwiGLU mlp = new SwiGLU(2, 2);
        mlp.load(Map.of(
                "gate_proj.weight", manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)),
                "up_proj.weight", manager.create(new float[] {1, 1, 0, 2}, new Shape(2, 2)),
                "down_proj.weight", manager.create(new float[] {1, 0, 1, 1}, new Shape(2, 2))), manager);
        float[] y = mlp.forward(row(2, 1)).toFloatArray();
        assertArrayEquals(new float[] {5.2847825f, 6.7468996f}, y, 1e-5f);
    }

    @Test
    void linearUsesOutByInWeightsAndBias() {
        // W = [[1, 2, 3], [4, 5, 6]] ([out 2, in 3]), b = [0.5, -1]; x = [1, 0, -1] -> [1 - 3 + 0.5, 4 - 6 - 1]
        Linear linear = new Linear(3, 2, true);
        linear.load(Map.of(
                "weight", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)),
                "bias", manager.create(new float[] {0.5f, -1})), manager);
        assertArrayEquals(new float[] {-1.5f, -3f}, linear.forward(row(1, 0, -1)).toFloatArray(), TOL);
    }

    @Test
    void linearSharesOfSplitInputsSumToTheConcatenatedForward() {
        // same W and b; x = [1, 0 | -1] split after feature 2:
        // [1, 0] against W[:, 0:2] = [[1, 2], [4, 5]] -> [1, 4], + b -> [1.5, 3]
        // [-1] against W[:, 2:3] = [[3], [6]] -> [-3, -6], no bias; the sum is forward(x) = [-1.5, -3]
        Linear linear = new Linear(3, 2, true);
        linear.load(Map.of(
                "weight", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3)),
                "bias", manager.create(new float[] {0.5f, -1})), manager);
        NDArray first = linear.forwardPart(row(1, 0), 0, 2, true);
        NDArray second = linear.forwardPart(row(-1), 2, 3, false);
        assertArrayEquals(new float[] {1.5f, 3f}, first.toFloatArray(), TOL);
        assertArrayEquals(new float[] {-3f, -6f}, second.toFloatArray(), TOL);
        assertArrayEquals(linear.forward(row(1, 0, -1)).toFloatArray(), first.add(second).toFloatArray(), TOL);
        // the weight is narrowed as a view: the layer's own weight keeps its shape
        assertEquals(new Shape(2, 3), linear.weight().array().getShape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> linear.forwardPart(row(1, 0), 2, 4, false));
        assertEquals("input features [2, 4) of a layer with 3", e.getMessage());
    }

    @Test
    void embeddingLooksUpRowsAndTiesLogits() {
        Embedding emb = new Embedding(3, 2);
        emb.load(Map.of("weight", manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2))), manager);
        NDArray ids = manager.create(new long[] {2, 0}, new Shape(1, 2));
        assertArrayEquals(new float[] {5, 6, 1, 2}, emb.forward(ids).toFloatArray(), 0f);
        // logits of h = [1, -1] against rows [1, 2], [3, 4], [5, 6]: -1, -1, -1
        assertArrayEquals(new float[] {-1, -1, -1}, emb.logits(row(1, -1)).toFloatArray(), 0f);
    }

    @Test
    void crossEntropyMatchesHandComputedValue() {
        // logits [0, ln 3] -> softmax [1/4, 3/4]; targets 1 then 0: mean(-ln 3/4, -ln 1/4) = 0.8369882
        NDArray logits = manager.create(new float[] {0, (float) Math.log(3), 0, (float) Math.log(3)}, new Shape(2, 2));
        NDArray targets = manager.create(new long[] {1, 0});
        assertEquals(0.5 * (-Math.log(0.75) - Math.log(0.25)), Losses.crossEntropy(logits, targets).getFloat(), 1e-6);
    }

    @Test
    void outOfRangeTokenIdsAreAClearError() {
        Embedding emb = new Embedding(3, 2);
        emb.initialize(manager, new Rng(1));
        NDArray ids = manager.create(new long[] {0, 7}, new Shape(1, 2));
        CalmException e = assertThrows(CalmException.class, () -> emb.forward(ids));
        assertEquals("token ids must be integers in [0, 3), got int64 ids from 0 to 7", e.getMessage());
        NDArray negative = manager.create(new long[] {-1}, new Shape(1, 1));
        assertThrows(CalmException.class, () -> emb.forward(negative));
    }

    @Test
    void initialisationIsSeededAndFollowsTheInitialisers() {
        Linear a = new Linear(64, 32, true);
        Linear b = new Linear(64, 32, true);
        a.initialize(manager, new Rng(7));
        b.initialize(manager, new Rng(7));
        float[] wa = a.weight().array().toFloatArray();
        assertArrayEquals(wa, b.weight().array().toFloatArray(), 0f);
        double mean = 0;
        double sq = 0;
        for (float v : wa) {
            mean += v;
            sq += v * v;
        }
        mean /= wa.length;
        double std = Math.sqrt(sq / wa.length - mean * mean);
        // 2048 draws of N(0, 0.02^2): the sample std is within 5% of 0.02 with overwhelming probability
        assertEquals(0.02, std, 0.001);
        assertArrayEquals(new float[32], a.stateDict().get("bias").toFloatArray(), 0f);
        assertTrue(a.namedParameters().get("weight").decay());
        assertTrue(!a.namedParameters().get("bias").decay());
    }

    @Test
    void loadRejectsWrongNamesAndShapesListingThem() {
        SwiGLU mlp = new SwiGLU(2, 3);
        NDArray good = manager.zeros(new Shape(3, 2));
        CalmException e = assertThrows(CalmException.class, () -> mlp.load(Map.of(
                "gate_proj.weight", good,
                "up_proj.weight", manager.zeros(new Shape(2, 3)),
                "extra.weight", good), manager));
        assertTrue(e.getMessage().contains("missing [down_proj.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected [extra.weight]"), e.getMessage());
        assertTrue(e.getMessage().contains("up_proj.weight (expected (3, 2), got (2, 3))"), e.getMessage());
        // nothing was loaded
        assertTrue(!mlp.namedParameters().get("gate_proj.weight").isInitialized());
    }
}
