/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RoPE is a rotation whose inner products depend only on the relative position. */
class RotaryEmbeddingTest {

    private static final int HD = 8;
    private static final int MAX = 512;
    private static NDManager manager;
    private static final RotaryEmbedding ROPE = new RotaryEmbedding(HD, MAX, 10000);

    @BeforeAll
    static void open() {
        manager = Backend.newManager(Device.cpu());
        ROPE.initialize(manager, new Rng(0)); // no parameters: allocates the tables
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** The vector v rotated to position pos. */
    private static float[] rotate(NDArray v, int pos) {
        return RotaryEmbedding.apply(v.reshape(1, 1, 1, HD), ROPE.tables(manager, pos, 1)).toFloatArray();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void handComputedRotationAtPositionOne() {
        // head dim 4: angles at position 1 are theta^0 = 1 and theta^(-1/2) = 0.01 (theta = 10^4)
        // x = [1, 0, 0, 0] pairs with x_2: (1, 0) -> (cos 1, sin 1), so y = [cos 1, 0, sin 1, 0]
        RotaryEmbedding rope = new RotaryEmbedding(4, 4, 10000);
        rope.initialize(manager, new Rng(0));
        NDArray x = manager.create(new float[] {1, 0, 0, 0}, new Shape(1, 1, 1, 4));
        float[] y = RotaryEmbedding.apply(x, rope.tables(manager, 1, 1)).toFloatArray();
        assertArrayEquals(new float[] {(float) Math.cos(1), 0, (float) Math.sin(1), 0}, y, 1e-7f);
        // x = [0, 1, 0, 0] rotates by 0.01 rad in its pair (x_1, x_3)
        x = manager.create(new float[] {0, 1, 0, 0}, new Shape(1, 1, 1, 4));
        y = RotaryEmbedding.apply(x, rope.tables(manager, 1, 1)).toFloatArray();
        assertArrayEquals(new float[] {0, (float) Math.cos(0.01), 0, (float) Math.sin(0.01)}, y, 1e-7f);
    }

    @Test
    void preservesNormAtEveryPosition() {
        NDArray x = new Rng(3).normal(manager, new Shape(1, 1, MAX, HD), 0, 1);
        NDArray y = RotaryEmbedding.apply(x, ROPE.tables(manager, 0, MAX));
        float[] nx = x.norm(new int[] {-1}).toFloatArray();
        float[] ny = y.norm(new int[] {-1}).toFloatArray();
        assertArrayEquals(nx, ny, 1e-5f);
    }

    @Test
    void innerProductDependsOnlyOnRelativePosition() {
        Rng rng = new Rng(5);
        NDArray q = rng.normal(manager, new Shape(HD), 0, 1);
        NDArray k = rng.normal(manager, new Shape(HD), 0, 1);
        double reference = dot(rotate(q, 3), rotate(k, 1));
        for (int m : new int[] {2, 10, 100, 500}) {
            assertEquals(reference, dot(rotate(q, m + 2), rotate(k, m)), 1e-4, "offset " + m);
        }
        // and it does change with the distance
        double other = dot(rotate(q, 9), rotate(k, 1));
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(other - reference) > 1e-3);
    }
}
