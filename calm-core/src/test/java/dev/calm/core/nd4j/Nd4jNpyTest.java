/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * .npy files through ND4J's codec: the bytes checked against the format by hand and by DJL's own npy reader (an
 * independent implementation), round trips of every type, and one-line errors for files that are not readable.
 */
class Nd4jNpyTest {

    private final NDManager manager = Backend.newManager(Device.cpu());
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void float32FileIsStandardNpyAndReadsBack() throws IOException {
        float[] values = {0.5f, -1.25f, 3f, 4f, 1e-7f, -6f};
        Path file = dir.resolve("z.npy");
        Nd4jNpy.write(file, Nd4j.create(values, new long[] {3, 2}, org.nd4j.linalg.api.buffer.DataType.FLOAT));

        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<f4'") && header.contains("'shape': (3, 2)")
                && header.contains("'fortran_order': False"), header);
        float[] data = new float[6];
        ByteBuffer.wrap(bytes, 10 + headerLength, 24).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        assertArrayEquals(values, data);

        NDArray djl = NDList.decode(manager, bytes).singletonOrThrow(); // DJL's npy reader
        assertEquals(new Shape(3, 2), djl.getShape());
        assertArrayEquals(values, djl.toFloatArray());

        INDArray read = Nd4jNpy.read(file);
        assertArrayEquals(new long[] {3, 2}, read.shape());
        assertArrayEquals(values, read.data().asFloat());
        assertArrayEquals(values, Nd4j.createFromNpyFile(file.toFile()).data().asFloat(), "ND4J's own reader");
    }

    @Test
    void float64AndInt64RoundTrip() {
        double[] doubles = {Math.E, -1e-300, 1e300, 0};
        Path d = dir.resolve("d.npy");
        Nd4jNpy.write(d, Nd4jArrays.toNd4j(manager.create(doubles, new Shape(2, 2))));
        NDArray back = Nd4jArrays.toDjl(Nd4jNpy.read(d), manager);
        assertEquals(DataType.FLOAT64, back.getDataType());
        assertEquals(new Shape(2, 2), back.getShape());
        assertArrayEquals(doubles, back.toDoubleArray());

        long[] longs = {Long.MIN_VALUE, (1L << 53) + 1, 268};
        Path l = dir.resolve("l.npy");
        Nd4jNpy.write(l, Nd4jArrays.toNd4j(manager.create(longs)));
        NDArray ids = Nd4jArrays.toDjl(Nd4jNpy.read(l), manager);
        assertEquals(DataType.INT64, ids.getDataType());
        assertArrayEquals(longs, ids.toLongArray());
    }

    @Test
    void viewsAreWrittenInTheirLogicalOrder() {
        INDArray base = Nd4j.create(new float[] {0, 1, 2, 3, 4, 5}, new long[] {2, 3}, 'c');
        assertWritten(new long[] {3, 2}, new float[] {0, 3, 1, 4, 2, 5}, base.transpose());
        assertWritten(new long[] {3}, new float[] {3, 4, 5}, base.getRow(1));
        assertWritten(new long[] {2, 3}, new float[] {1, 3, 5, 2, 4, 6},
                Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'f'));
        assertWritten(new long[] {0, 3}, new float[0], Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 0, 3));
        assertWritten(new long[0], new float[] {3.5f}, Nd4j.scalar(3.5f));
    }

    private void assertWritten(long[] shape, float[] values, INDArray array) {
        Path file = dir.resolve("view.npy");
        Nd4jNpy.write(file, array);
        NDArray read = Nd4jArrays.toDjl(Nd4jNpy.read(file), manager);
        assertEquals(new Shape(shape), read.getShape());
        assertArrayEquals(values, read.toFloatArray());
    }

    @Test
    void unreadableFilesGetOneLineErrors() throws IOException {
        Path missing = dir.resolve("missing.npy");
        assertEquals(missing + ": no such file", message(missing));

        Path text = Files.writeString(dir.resolve("text.npy"), "id,value\n1,2\n");
        assertEquals(text + ": not a .npy file (it does not start with \\x93NUMPY)", message(text));

        Path good = dir.resolve("good.npy");
        Nd4jNpy.write(good, Nd4j.create(new float[] {1, 2, 3, 4}, new long[] {2, 2},
                org.nd4j.linalg.api.buffer.DataType.FLOAT));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(bytes, bytes.length - 3));
        assertEquals(truncated + ": shape [2, 2] of <f4 needs 16 bytes of data, the file holds 13", message(truncated));
        Path headerCut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(bytes, 40));
        assertTrue(message(headerCut).startsWith(headerCut + ": truncated .npy header"), message(headerCut));

        String asInt = new String(bytes, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<i4'");
        Path int32 = Files.write(dir.resolve("int32.npy"), asInt.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(int32 + ": .npy dtype '<i4' is not supported (float32 '<f4', float64 '<f8' or int64 '<i8')",
                message(int32));
        String fortran = new String(bytes, StandardCharsets.ISO_8859_1).replace("False", "True ");
        Path f = Files.write(dir.resolve("fortran.npy"), fortran.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(f + ": a Fortran-order .npy file is not supported (write it in C order)", message(f));
        byte[] version = bytes.clone();
        version[6] = 9;
        Path v = Files.write(dir.resolve("v9.npy"), version);
        assertEquals(v + ": .npy format version 9 is not supported (1, 2 or 3)", message(v));
        String noShape = new String(bytes, StandardCharsets.ISO_8859_1).replace("'shape'", "'shope'");
        Path s = Files.write(dir.resolve("noshape.npy"), noShape.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(message(s).startsWith(s + ": the .npy header has no readable 'shape': {"), message(s));
        String wrongShape = new String(bytes, StandardCharsets.ISO_8859_1).replace("(2, 2)", "(2, 3)");
        Path w = Files.write(dir.resolve("shape.npy"), wrongShape.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(w + ": shape [2, 3] of <f4 needs 24 bytes of data, the file holds 16", message(w));
    }

    @Test
    void writingRefusesOtherTypesAndLeavesNoFile() {
        Path file = dir.resolve("int.npy");
        CalmException e = assertThrows(CalmException.class, () -> Nd4jNpy.write(file,
                Nd4j.create(new int[] {1}, new long[] {1}, org.nd4j.linalg.api.buffer.DataType.INT32)));
        assertEquals("ND4J interop supports float32, float64 and int64 arrays, not INT", e.getMessage());
        assertFalse(Files.exists(file));
    }

    private static String message(Path file) {
        return assertThrows(CalmException.class, () -> Nd4jNpy.read(file)).getMessage();
    }
}
