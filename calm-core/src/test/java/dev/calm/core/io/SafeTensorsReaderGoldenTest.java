/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads a file built byte by byte from the format's specification, not by our writer. */
class SafeTensorsReaderGoldenTest {

    private static final long BIG = 5_000_000_000L; // > 2^31

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void writeGoldenFile() throws IOException {
        // entries deliberately not in offset order, and the header padded with spaces as writers do
        String header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[26,42]},"
                + "\"__metadata__\":{\"format\":\"pt\",\"note\":\"golden \u00e9\"},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"half\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[4,10]},"
                + "\"f32\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[10,18]},"
                + "\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[18,26]},"
                + "\"none\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[42,42]}}      ";
        file = SafeTensorsBytes.withHeader(header)
                .u16(0x3F80, 0xC040) // bf16: 1.0, -3.0
                .u16(0x3C00, 0x7BFF, 0x0001) // f16: 1.0, 65504, 2^-24
                .f32(1.5f, -0.25f)
                .u64(7)
                .u64(BIG, -BIG)
                .writeTo(dir.resolve("golden.safetensors"));
    }

    @Test
    void headerIsReadInFileOrderWithMetadata() {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            assertEquals(List.of("bf", "half", "f32", "step", "ids", "none"), List.copyOf(reader.names()));
            assertEquals(Map.of("format", "pt", "note", "golden \u00e9"), reader.metadata());
            assertEquals(new TensorInfo("half", DType.F16, new long[] {3}, 4, 10), reader.info("half"));
            assertEquals(1, reader.info("step").numel());
            assertEquals(0, reader.info("none").numel());
            assertEquals(file, reader.file());
        }
    }

    @Test
    void plainJavaReadsReturnExactValues() {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            assertArrayEquals(new float[] {1.0f, -3.0f}, reader.readFloats("bf"));
            assertArrayEquals(new float[] {1.0f, 65504f, 5.9604645e-8f}, reader.readFloats("half"));
            assertArrayEquals(new float[] {1.5f, -0.25f}, reader.readFloats("f32"));
            assertArrayEquals(new long[] {7}, reader.readLongs("step"));
            assertArrayEquals(new long[] {BIG, -BIG}, reader.readLongs("ids"));
            assertArrayEquals(new float[0], reader.readFloats("none"));
        }
    }

    @Test
    void ndArrayReadsHaveTypesShapesAndValues() {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray bf = reader.read("bf", manager);
            assertEquals(DataType.FLOAT32, bf.getDataType());
            assertEquals(new Shape(2), bf.getShape());
            assertArrayEquals(new float[] {1.0f, -3.0f}, bf.toFloatArray());

            NDArray half = reader.read("half", manager);
            assertEquals(DataType.FLOAT32, half.getDataType());
            assertArrayEquals(new float[] {1.0f, 65504f, 5.9604645e-8f}, half.toFloatArray());

            NDArray f32 = reader.read("f32", manager);
            assertEquals(new Shape(2, 1), f32.getShape());
            assertArrayEquals(new float[] {1.5f, -0.25f}, f32.toFloatArray());

            NDArray step = reader.read("step", manager);
            assertEquals(DataType.INT64, step.getDataType());
            assertTrue(step.isScalar());
            assertEquals(7L, step.getLong());

            NDArray ids = reader.read("ids", manager);
            assertEquals(DataType.INT64, ids.getDataType());
            assertArrayEquals(new long[] {BIG, -BIG}, ids.toLongArray());

            NDArray none = reader.read("none", manager);
            assertEquals(new Shape(0, 3), none.getShape());
            assertEquals(0, none.size());
        }
    }

    @Test
    void readAllReturnsEveryTensorInFileOrder() {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> all = reader.readAll(manager);
            assertEquals(List.of("bf", "half", "f32", "step", "ids", "none"), List.copyOf(all.keySet()));
            assertEquals(-0.25f, all.get("f32").getFloat(1, 0));
        }
    }

    @Test
    void wrongKindOfReadAndClosedReaderAreReported() {
        SafeTensorsReader reader = SafeTensorsReader.open(file);
        CalmException notFloat = assertThrows(CalmException.class, () -> reader.readFloats("ids"));
        assertTrue(notFloat.getMessage().contains("'ids' is I64, not a floating-point tensor"), notFloat.getMessage());
        CalmException notLong = assertThrows(CalmException.class, () -> reader.readLongs("bf"));
        assertTrue(notLong.getMessage().contains("'bf' is BF16, not I64"), notLong.getMessage());
        reader.close();
        reader.close();
        CalmException closed = assertThrows(CalmException.class, () -> reader.readFloats("bf"));
        assertTrue(closed.getMessage().contains("the reader is closed"), closed.getMessage());
        assertTrue(closed.getMessage().contains("golden.safetensors"), closed.getMessage());
    }
}
