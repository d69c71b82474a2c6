/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed input fails in {@link SafeTensorsReader#open} with a one-line message naming file and fault. */
class SafeTensorsReaderMalformedTest {

    @TempDir
    Path dir;

    private String openFails(byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), content);
        CalmException e = assertThrows(CalmException.class, () -> SafeTensorsReader.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String expected) {
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
    }

    static Stream<Arguments> malformedHeaders() {
        String bf16x6 = "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,%d]}}";
        return Stream.of(
                Arguments.of("invalid JSON", "{\"x\": ", 0, "header is not valid JSON"),
                Arguments.of("trailing garbage", "{} x", 0, "header is not valid JSON"),
                Arguments.of("duplicate name", "{\"a\":{},\"a\":{}}", 0, "header is not valid JSON"),
                Arguments.of("empty header", "        ", 0, "header is not valid JSON: it is empty"),
                Arguments.of("array", "[1, 2]", 0, "header is not a JSON object but array"),
                Arguments.of("entry not object", "{\"x\": 3}", 0, "tensor 'x' is not a JSON object but number"),
                Arguments.of("unknown dtype", "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8,
                        "unsupported dtype F64 for tensor 'w' in "),
                Arguments.of("lower-case dtype", "{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                        4, "(supported: F32, F16, BF16, I64)"),
                Arguments.of("missing dtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                        "tensor 'w' has no dtype"),
                Arguments.of("missing shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4,
                        "tensor 'w' has no shape"),
                Arguments.of("missing offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4,
                        "tensor 'w' has no data_offsets"),
                Arguments.of("dtype not string", "{\"w\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4,
                        "dtype is not a string but number"),
                Arguments.of("shape not array", "{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}",
                        4, "shape is not a JSON array but string"),
                Arguments.of("negative dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,4]}}",
                        4, "tensor 'w': shape has negative entry -2"),
                Arguments.of("fractional dimension", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                        4, "shape entry 1.5 is not an integer"),
                Arguments.of("three offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
                        4, "data_offsets has 3 entries, not 2"),
                Arguments.of("negative offset", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}",
                        4, "data_offsets has negative entry -4"),
                Arguments.of("begin after end", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}",
                        4, "data_offsets [4, 0] begin after they end"),
                Arguments.of("offsets disagree with shape", String.format(bf16x6, 10), 10,
                        "tensor 'x': shape [2, 3] of BF16 needs 12 bytes but data_offsets span 10"),
                Arguments.of("huge shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                        + "\"data_offsets\":[0,4]}}", 4, "shape [4294967296, 4294967296] is too large"),
                Arguments.of("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
                        "tensor 'b' at [4, 12) overlaps tensor 'a' at [0, 8)"),
                Arguments.of("hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12,
                        "hole in the data buffer: bytes [4, 8) before tensor 'b' belong to no tensor"),
                Arguments.of("hole at start", "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8,
                        "hole in the data buffer: bytes [0, 4)"),
                Arguments.of("truncated data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                        10, "data buffer is truncated: expected 16 bytes, file has 10"),
                Arguments.of("trailing data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6,
                        "data buffer has 6 bytes but the tensors cover only 4"),
                Arguments.of("metadata not strings", "{\"__metadata__\":{\"epoch\":3}}", 0,
                        "__metadata__ value for 'epoch' is not a string but number"),
                Arguments.of("metadata not object", "{\"__metadata__\":[]}", 0,
                        "__metadata__ is not a JSON object but array"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void malformedHeaderIsRejected(String label, String header, int dataBytes, String expected) throws IOException {
        assertContains(openFails(SafeTensorsBytes.withHeader(header).zeros(dataBytes).bytes()), expected);
    }

    @Test
    void emptyFileIsTooShort() throws IOException {
        assertContains(openFails(new byte[0]), "file is too short (0 bytes)");
    }

    @Test
    void fiveByteFileIsTooShort() throws IOException {
        assertContains(openFails(new byte[] {1, 2, 3, 4, 5}), "file is too short (5 bytes)");
    }

    @Test
    void headerLengthBeyondFileIsRejected() throws IOException {
        byte[] content = SafeTensorsBytes.withHeaderLength(1000).raw("{}".getBytes()).zeros(10).bytes();
        assertContains(openFails(content),
                "header length 1000 exceeds file size 20: truncated or not a safetensors file");
    }

    @Test
    void headerOverOneHundredMegabytesIsRejected() throws IOException {
        assertContains(openFails(SafeTensorsBytes.withHeaderLength(100_000_001L).raw("{}".getBytes()).bytes()),
                "header of 100000001 bytes exceeds the 100 MB limit");
        assertContains(openFails(SafeTensorsBytes.withHeaderLength(-1L).zeros(16).bytes()),
                "header of 18446744073709551615 bytes exceeds the 100 MB limit");
    }

    @Test
    void invalidUtf8IsRejected() throws IOException {
        byte[] content = SafeTensorsBytes.withHeaderLength(4).raw((byte) '{', (byte) 0xC3, (byte) 0x28, (byte) '}')
                .bytes();
        assertContains(openFails(content), "header is not valid UTF-8");
    }

    @Test
    void missingFileIsReported() {
        Path missing = dir.resolve("nowhere.safetensors");
        CalmException e = assertThrows(CalmException.class, () -> SafeTensorsReader.open(missing));
        assertEquals(missing + ": file not found", e.getMessage());
    }

    @Test
    void directoryIsReported() {
        CalmException e = assertThrows(CalmException.class, () -> SafeTensorsReader.open(dir));
        assertContains(e.getMessage(), "is a directory");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path file = SafeTensorsBytes.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")
                .f32(2f)
                .writeTo(dir.resolve("one.safetensors"));
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            CalmException e = assertThrows(CalmException.class, () -> reader.readFloats("nope"));
            assertEquals(file + ": no tensor named 'nope' (1 tensors: a)", e.getMessage());
            assertThrows(CalmException.class, () -> reader.info("nope"));
        }
    }

    @Test
    void emptyHeaderObjectIsAValidFileWithNoTensors() throws IOException {
        Path file = SafeTensorsBytes.withHeader("{}      ").writeTo(dir.resolve("empty.safetensors"));
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            assertTrue(reader.names().isEmpty());
            assertTrue(reader.metadata().isEmpty());
        }
    }
}
