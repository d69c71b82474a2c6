/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nd4j;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DJL {@link NDArray} &lt;-&gt; ND4J {@link INDArray}, for float32, float64 and int64 arrays of any shape (rank 0
 * scalars and arrays with a zero dimension included). The result always has the source's shape and data type and
 * shares no memory with it: writing to one never changes the other.
 *
 * <p>Copies of the data, by construction:
 * <ul>
 *   <li>{@link #toNd4j}: two. libtorch's memory to a Java array ({@code toFloatArray()}; DJL first makes a
 *       contiguous copy of a non-contiguous view, a third), then the Java array to ND4J's off-heap buffer.</li>
 *   <li>{@link #toDjl}: one. ND4J's buffer is read in place (a direct buffer over ND4J's memory) and copied once
 *       into memory that libtorch allocates and owns ({@link Backend#owned}), so the result never depends on
 *       ND4J's garbage collection. An {@code INDArray} view that is not a C-ordered block of its own buffer (a
 *       transpose, a slice, an {@code 'f'}-ordered array) is first laid out by {@code dup('c')}: one copy more.</li>
 * </ul>
 *
 * <p>Any other data type is refused with a {@link CalmException} naming it. ND4J itself is an optional dependency
 * (see the package comment): calling this class without ND4J on the classpath throws {@link NoClassDefFoundError}.
 */
public final class Nd4jArrays {

    private Nd4jArrays() {}

    /**
     * Copies a DJL array into a new ND4J array (C order) of the same shape and data type.
     *
     * @param array a float32, float64 or int64 array on any device; not modified
     * @return a new ND4J array that shares no memory with {@code array}
     * @throws CalmException if the data type is not float32, float64 or int64, or the array is sparse or larger
     *     than a Java array can hold
     */
    public static INDArray toNd4j(NDArray array) {
        DataType type = array.getDataType();
        org.nd4j.linalg.api.buffer.DataType nd4jType = nd4jType(type);
        if (array.isSparse()) {
            throw new CalmException("ND4J interop needs a dense array, not a sparse one of shape " + array.getShape());
        }
        long[] shape = array.getShape().getShape();
        checkSize(array.getShape());
        if (array.getShape().size() == 0) {
            return Nd4j.create(nd4jType, shape); // the DJL array holds no data; ND4J's empty array of that shape
        }
        return switch (type) {
            case FLOAT32 -> Nd4j.create(array.toFloatArray(), shape, nd4jType);
            case FLOAT64 -> Nd4j.create(array.toDoubleArray(), shape, nd4jType);
            default -> Nd4j.create(array.toLongArray(), shape, nd4jType);
        };
    }

    /**
     * Copies an ND4J array into a new DJL array of the same shape and data type, in libtorch's own memory.
     *
     * @param array a float32, float64 or int64 ND4J array, a view or not; not modified
     * @param manager the manager (and device) of the result
     * @return a new DJL array owned by {@code manager} that shares no memory with {@code array}
     * @throws CalmException if the data type is not float32, float64 or int64, or the array has been closed
     */
    public static NDArray toDjl(INDArray array, NDManager manager) {
        DataType type = djlType(array.dataType());
        if (array.wasClosed()) {
            throw new CalmException("the ND4J array was closed: its data is gone");
        }
        Shape shape = new Shape(array.shape());
        checkSize(shape);
        if (array.isEmpty() || shape.size() == 0) {
            return manager.create(shape, type);
        }
        INDArray dense = cBlock(array);
        ByteBuffer data = dense.data().asNio(); // a view of ND4J's memory, not a copy
        data.limit(Math.toIntExact(shape.size() * type.getNumOfBytes()));
        NDArray result = Backend.owned(manager.create(data, shape, type)); // the one copy, into libtorch's memory
        Reference.reachabilityFence(dense); // ND4J's memory stays alive until the copy is made
        return result;
    }

    /**
     * @param array any ND4J array
     * @return the array itself if it is exactly its whole buffer in C order, else {@code dup('c')}: an array whose
     *     buffer can be read as is, which ND4J's own readers of raw buffers (its numpy writer) assume
     */
    static INDArray cBlock(INDArray array) {
        if (array.isEmpty()) {
            return array; // no buffer to lay out
        }
        boolean own = array.ordering() == 'c' && array.offset() == 0 && !array.isView()
                && array.data().length() == array.length()
                && Arrays.equals(array.stride(), Nd4j.getStrides(array.shape(), 'c'));
        return own ? array : array.dup('c'); // == the array, laid out in C order
    }

    private static void checkSize(Shape shape) {
        if (shape.size() > Integer.MAX_VALUE - 8) {
            throw new CalmException("an array of shape " + shape + " is too large for ND4J interop (at most "
                    + (Integer.MAX_VALUE - 8) + " elements)");
        }
    }

    /**
     * @param type a DJL data type
     * @return ND4J's data type of the same name
     * @throws CalmException if the type is not float32, float64 or int64
     */
    public static org.nd4j.linalg.api.buffer.DataType nd4jType(DataType type) {
        return switch (type) {
            case FLOAT32 -> org.nd4j.linalg.api.buffer.DataType.FLOAT;
            case FLOAT64 -> org.nd4j.linalg.api.buffer.DataType.DOUBLE;
            case INT64 -> org.nd4j.linalg.api.buffer.DataType.INT64;
            default -> throw unsupported(type.toString().toLowerCase(java.util.Locale.ROOT));
        };
    }

    /**
     * @param type an ND4J data type
     * @return DJL's data type of the same name
     * @throws CalmException if the type is not FLOAT, DOUBLE or LONG (INT64)
     */
    public static DataType djlType(org.nd4j.linalg.api.buffer.DataType type) {
        return switch (type) {
            case FLOAT -> DataType.FLOAT32;
            case DOUBLE -> DataType.FLOAT64;
            case LONG -> DataType.INT64; // ND4J's INT64 is an alias of LONG
            default -> throw unsupported(type.name());
        };
    }

    private static CalmException unsupported(String type) {
        return new CalmException("ND4J interop supports float32, float64 and int64 arrays, not " + type);
    }
}
