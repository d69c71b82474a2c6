/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** DJL <-> ND4J with known values: every supported type, views, empty and scalar shapes, refused types. */
class Nd4jArraysTest {

    private final NDManager manager = Backend.newManager(Device.cpu());

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void float32KeepsShapeValuesAndLayout() {
        NDArray djl = manager.create(new float[] {1.5f, -2f, 3.25f, 1e-30f, Float.MAX_VALUE, -0f}, new Shape(2, 3));
        INDArray nd = Nd4jArrays.toNd4j(djl);
        assertArrayEquals(new long[] {2, 3}, nd.shape());
        assertEquals(org.nd4j.linalg.api.buffer.DataType.FLOAT, nd.dataType());
        assertEquals(3.25f, nd.getFloat(0, 2)); // row-major: element [0][2]
        assertEquals(1e-30f, nd.getFloat(1, 0));
        assertEquals(Float.MAX_VALUE, nd.getFloat(1, 1));
        NDArray back = Nd4jArrays.toDjl(nd, manager);
        assertEquals(new Shape(2, 3), back.getShape());
        assertEquals(DataType.FLOAT32, back.getDataType());
        assertArrayEquals(djl.toFloatArray(), back.toFloatArray());
    }

    @Test
    void float64AndInt64AreExact() {
        double[] doubles = {Math.PI, -1e-300, 1e300, Double.MIN_VALUE};
        NDArray d = manager.create(doubles, new Shape(4, 1));
        INDArray nd = Nd4jArrays.toNd4j(d);
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, nd.dataType());
        assertEquals(1e300, nd.getDouble(2, 0));
        assertArrayEquals(doubles, Nd4jArrays.toDjl(nd, manager).toDoubleArray());

        long[] longs = {Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -7}; // not representable as doubles
        NDArray l = manager.create(longs, new Shape(2, 1, 2));
        INDArray ndl = Nd4jArrays.toNd4j(l);
        assertEquals(org.nd4j.linalg.api.buffer.DataType.INT64, ndl.dataType());
        assertEquals((1L << 53) + 1, ndl.getLong(1, 0, 0));
        NDArray back = Nd4jArrays.toDjl(ndl, manager);
        assertEquals(new Shape(2, 1, 2), back.getShape());
        assertEquals(DataType.INT64, back.getDataType());
        assertArrayEquals(longs, back.toLongArray());
    }

    @Test
    void viewsOnEitherSideAreReadInLogicalOrder() {
        NDArray a = manager.arange(0f, 6f).reshape(2, 3);
        NDArray transposed = a.transpose(); // a strided libtorch view: [[0, 3], [1, 4], [2, 5]]
        INDArray nd = Nd4jArrays.toNd4j(transposed);
        assertArrayEquals(new long[] {3, 2}, nd.shape());
        assertEquals(3f, nd.getFloat(0, 1));
        assertEquals(2f, nd.getFloat(2, 0));

        INDArray base = Nd4j.create(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, new long[] {3, 4}, 'c');
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11},
                Nd4jArrays.toDjl(base.transpose(), manager).toFloatArray(), "a transposed INDArray");
        NDArray row = Nd4jArrays.toDjl(base.getRow(1), manager); // a view at an offset into the buffer
        assertEquals(new Shape(4), row.getShape());
        assertArrayEquals(new float[] {4, 5, 6, 7}, row.toFloatArray());
        INDArray fortran = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'f'); // column-major
        assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, Nd4jArrays.toDjl(fortran, manager).toFloatArray());
    }

    @Test
    void onlyAViewCostsToDjlItsSecondCopy() {
        INDArray fresh = Nd4j.create(new float[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, 'c');
        assertSame(fresh, Nd4jArrays.cBlock(fresh), "a C-ordered array of its own is read in place");
        for (INDArray view : new INDArray[] {fresh.transpose(), fresh.getRow(1), fresh.dup('f')}) {
            INDArray laidOut = Nd4jArrays.cBlock(view);
            assertEquals(view, laidOut);
            assertEquals('c', laidOut.ordering());
            assertEquals(laidOut.length(), laidOut.data().length());
        }
    }

    @Test
    void emptyAndScalarShapesSurvive() {
        NDArray empty = manager.zeros(new Shape(0, 3));
        INDArray nd = Nd4jArrays.toNd4j(empty);
        assertArrayEquals(new long[] {0, 3}, nd.shape());
        assertTrue(nd.isEmpty());
        NDArray back = Nd4jArrays.toDjl(nd, manager);
        assertEquals(new Shape(0, 3), back.getShape());
        assertEquals(DataType.FLOAT32, back.getDataType());

        NDArray scalar = manager.create(2.5);
        INDArray nds = Nd4jArrays.toNd4j(scalar);
        assertEquals(0, nds.rank());
        assertEquals(2.5, nds.getDouble(0));
        NDArray scalarBack = Nd4jArrays.toDjl(Nd4j.scalar(org.nd4j.linalg.api.buffer.DataType.INT64, 42L), manager);
        assertEquals(new Shape(), scalarBack.getShape());
        assertEquals(42L, scalarBack.getLong());
    }

    @Test
    void theResultSharesNoMemoryWithItsSource() {
        NDArray djl = manager.create(new float[] {1, 2, 3});
        INDArray nd = Nd4jArrays.toNd4j(djl);
        djl.muli(10);
        assertArrayEquals(new float[] {1, 2, 3}, nd.toFloatVector());

        NDArray back = Nd4jArrays.toDjl(nd, manager);
        nd.muli(-1);
        nd.close(); // ND4J frees its buffer; the DJL copy lives in libtorch's memory
        System.gc();
        assertArrayEquals(new float[] {1, 2, 3}, back.toFloatArray());
    }

    @Test
    void otherDataTypesAreRefusedByName() {
        CalmException djl = assertThrows(CalmException.class,
                () -> Nd4jArrays.toNd4j(manager.create(new int[] {1, 2})));
        assertEquals("ND4J interop supports float32, float64 and int64 arrays, not int32", djl.getMessage());
        CalmException half = assertThrows(CalmException.class,
                () -> Nd4jArrays.toNd4j(manager.create(new float[] {1}).toType(DataType.FLOAT16, false)));
        assertEquals("ND4J interop supports float32, float64 and int64 arrays, not float16", half.getMessage());
        CalmException nd = assertThrows(CalmException.class,
                () -> Nd4jArrays.toDjl(Nd4j.create(new int[] {1, 2}, new long[] {2},
                        org.nd4j.linalg.api.buffer.DataType.INT32), manager));
        assertEquals("ND4J interop supports float32, float64 and int64 arrays, not INT", nd.getMessage());
    }
}
