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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed save leaves the previous file byte-for-byte intact and no temporary files behind. */
class SafeTensorsWriterAtomicTest {

    @TempDir
    Path dir;

    private Path file;
    private byte[] original;

    @BeforeEach
    void writeGoodFile() throws IOException {
        file = dir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(file, Map.of("w", manager.create(new float[] {1f, 2f, 3f})),
                    Map.of("step", "1"), DType.F32);
        }
        original = Files.readAllBytes(file);
    }

    private List<String> directoryListing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertUntouched() throws IOException {
        assertArrayEquals(original, Files.readAllBytes(file), "the old file is intact");
        assertEquals(List.of("model.safetensors"), directoryListing(), "no temporary file is left");
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            assertArrayEquals(new float[] {1f, 2f, 3f}, reader.readFloats("w"));
        }
    }

    private String writeFails(Map<String, NDArray> tensors) {
        CalmException e = assertThrows(CalmException.class, () -> SafeTensorsWriter.write(file, tensors, DType.BF16));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void unsupportedDataTypeAfterAGoodTensorFails() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("good", manager.create(new float[] {4f, 5f}));
            tensors.put("bytes", manager.create(new byte[] {1, 2}, new Shape(2)));
            String message = writeFails(tensors);
            assertTrue(message.contains("tensor 'bytes' has data type int8"), message);
        }
        assertUntouched();
    }

    @Test
    void closedArrayAfterAGoodTensorFails() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray closed = manager.create(new float[] {7f});
            closed.close();
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("good", manager.create(new float[] {4f, 5f}));
            tensors.put("gone", closed);
            assertTrue(writeFails(tensors).contains("tensor 'gone' has been closed"));
        }
        assertUntouched();
    }

    @Test
    void failureWhileWritingDataDeletesTheTemporaryFile() throws IOException {
        List<String> seenDuringWrite = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray real = manager.create(new float[] {8f, 9f});
            NDArray failing = (NDArray) Proxy.newProxyInstance(NDArray.class.getClassLoader(),
                    new Class<?>[] {NDArray.class}, (proxy, method, args) -> {
                        if (method.getName().equals("toByteBuffer")) {
                            seenDuringWrite.addAll(directoryListing());
                            throw new IllegalStateException("device lost");
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("good", manager.create(new float[] {4f, 5f}));
            tensors.put("boom", failing);
            String message = writeFails(tensors);
            assertTrue(message.contains("cannot get the data of tensor 'boom'"), message);
            assertTrue(message.contains("device lost"), message);
        }
        assertEquals(2, seenDuringWrite.size(), "the temporary file existed while writing: " + seenDuringWrite);
        assertTrue(seenDuringWrite.get(0).startsWith(".model.safetensors.tmp-"), seenDuringWrite.toString());
        assertUntouched();
    }

    @Test
    void badArgumentsFailBeforeTouchingTheFile() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray good = manager.create(new float[] {1f});
            CalmException format = assertThrows(CalmException.class,
                    () -> SafeTensorsWriter.write(file, Map.of("w", good), DType.I64));
            assertTrue(format.getMessage().contains("cannot store float tensors as I64"), format.getMessage());
            CalmException reserved = assertThrows(CalmException.class,
                    () -> SafeTensorsWriter.write(file, Map.of("__metadata__", good), DType.F32));
            assertTrue(reserved.getMessage().contains("invalid tensor name '__metadata__'"));
            NDArray doubles = manager.create(new double[] {1.0});
            assertEquals(DataType.FLOAT64, doubles.getDataType());
            assertTrue(writeFails(Map.of("d", doubles)).contains("tensor 'd' has data type float64"));
        }
        assertUntouched();
    }

    @Test
    void missingDirectoryIsReported() {
        Path elsewhere = dir.resolve("no-such-dir").resolve("x.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray good = manager.create(new float[] {1f});
            CalmException e = assertThrows(CalmException.class,
                    () -> SafeTensorsWriter.write(elsewhere, Map.of("w", good), DType.F32));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }

    @Test
    void successfulWriteReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(file, Map.of("v", manager.create(new long[] {42L})), DType.F16);
        }
        assertEquals(List.of("model.safetensors"), directoryListing());
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            assertEquals(List.of("v"), List.copyOf(reader.names()));
            assertArrayEquals(new long[] {42L}, reader.readLongs("v"));
            assertTrue(reader.metadata().isEmpty());
        }
    }
}
