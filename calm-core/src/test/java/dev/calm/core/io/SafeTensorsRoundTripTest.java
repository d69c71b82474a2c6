/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    private static float[] gaussian(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            double u = random.nextDouble(1e-12, 1);
            values[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()) * 3);
        }
        return values;
    }

    @Test
    void f32RoundTripIsBitExact() {
        float[] values = gaussian(4096, 1);
        values[0] = Float.NaN;
        values[1] = -0.0f;
        values[2] = Float.NEGATIVE_INFINITY;
        values[3] = Float.MIN_VALUE;
        values[4] = Float.MAX_VALUE;
        Path file = dir.resolve("f32.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(file, Map.of("w", manager.create(values, new Shape(64, 64))), DType.F32);
            try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
                assertEquals(DType.F32, reader.info("w").dtype());
                float[] back = reader.readFloats("w");
                for (int i = 0; i < values.length; i++) {
                    assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "index " + i);
                }
                NDArray array = reader.read("w", manager);
                assertEquals(new Shape(64, 64), array.getShape());
                assertArrayEquals(back, array.toFloatArray());
            }
        }
    }

    @Test
    void bf16RoundTripIsWithinHalfAnUlp() {
        assertHalfPrecisionRoundTrip(DType.BF16, 0x1p-8);
    }

    @Test
    void f16RoundTripIsWithinHalfAnUlp() {
        assertHalfPrecisionRoundTrip(DType.F16, 0x1p-11);
    }

    private void assertHalfPrecisionRoundTrip(DType format, double relativeError) {
        float[] values = gaussian(3000, 2);
        Path file = dir.resolve(format + ".safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(file, Map.of("w", manager.create(values, new Shape(1000, 3))), format);
            assertEquals(8 + headerLength(file) + 2L * values.length, sizeOf(file), "two bytes per element");
            try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
                assertEquals(format, reader.info("w").dtype());
                NDArray array = reader.read("w", manager);
                assertEquals(DataType.FLOAT32, array.getDataType());
                assertEquals(new Shape(1000, 3), array.getShape());
                float[] back = array.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    // below f16's normal range the error is bounded by half a subnormal step instead
                    double bound = Math.max(Math.abs(values[i]) * relativeError, format == DType.F16 ? 0x1p-25 : 0);
                    assertTrue(Math.abs(back[i] - values[i]) <= bound,
                            values[i] + " came back as " + back[i]);
                    float expected = format == DType.BF16
                            ? HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i]))
                            : HalfFloats.f16ToFloat(HalfFloats.floatToF16(values[i]));
                    assertEquals(expected, back[i], "rounded to nearest even at index " + i);
                }
            }
        }
    }

    @Test
    void int64ScalarEmptyMetadataAndOrderSurvive() throws IOException {
        Path file = dir.resolve("mixed.safetensors");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("calm.config", "{\"latent\": 128}");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("z.last", manager.create(new long[] {Long.MIN_VALUE, -1, 0, 1L << 40, Long.MAX_VALUE}));
            tensors.put("a.scalar", manager.create(3.25f));
            tensors.put("m.empty", manager.zeros(new Shape(0, 3)));
            tensors.put("b.step", manager.create(12345678901L));
            SafeTensorsWriter.write(file, tensors, metadata, DType.BF16);

            try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
                assertEquals(List.of("z.last", "a.scalar", "m.empty", "b.step"), List.copyOf(reader.names()));
                assertEquals(metadata, reader.metadata());
                assertEquals(DType.I64, reader.info("z.last").dtype());
                assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, 1L << 40, Long.MAX_VALUE},
                        reader.readLongs("z.last"));

                TensorInfo scalar = reader.info("a.scalar");
                assertEquals(DType.BF16, scalar.dtype());
                assertEquals(0, scalar.rank());
                NDArray scalarArray = reader.read("a.scalar", manager);
                assertTrue(scalarArray.isScalar());
                assertEquals(3.25f, scalarArray.getFloat());

                TensorInfo empty = reader.info("m.empty");
                assertArrayEquals(new long[] {0, 3}, empty.shape());
                assertEquals(empty.begin(), empty.end());
                assertEquals(new Shape(0, 3), reader.read("m.empty", manager).getShape());

                assertEquals(12345678901L, reader.read("b.step", manager).getLong());
            }
        }
        String header = new String(Files.readAllBytes(file), 8, (int) headerLength(file), StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\","), header);
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytes() throws IOException {
        Path file = dir.resolve("aligned.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : List.of("a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh")) {
                SafeTensorsWriter.write(file, Map.of(name, manager.create(new float[] {1f})), DType.F32);
                long length = headerLength(file);
                assertEquals(0, length % 8, "header length " + length + " for name " + name);
                String header = new String(Files.readAllBytes(file), 8, (int) length, StandardCharsets.UTF_8);
                assertTrue(header.matches("\\{.*\\} *"), header);
                assertEquals(8 + length + 4, sizeOf(file));
            }
        }
    }

    @Test
    void nonContiguousArrayIsWrittenInRowMajorOrder() {
        Path file = dir.resolve("transposed.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray transposed = manager.arange(6f).reshape(2, 3).transpose();
            SafeTensorsWriter.write(file, Map.of("t", transposed), DType.F16);
            try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
                assertArrayEquals(new long[] {3, 2}, reader.info("t").shape());
                assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, reader.readFloats("t"));
            }
        }
    }

    @Test
    void writerOutputMatchesTheFormatByteForByte() throws IOException {
        Path file = dir.resolve("exact.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(file, Map.of("x", manager.create(new float[] {1f, -3f})), DType.BF16);
        }
        String json = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        byte[] expected = SafeTensorsBytes.withHeader(json + " ".repeat((8 - json.length() % 8) % 8))
                .u16(0x3F80, 0xC040)
                .bytes();
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    private static long headerLength(Path file) {
        try {
            byte[] prefix = new byte[8];
            System.arraycopy(Files.readAllBytes(file), 0, prefix, 0, 8);
            return ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
