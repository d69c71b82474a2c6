/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, independently of the writer, for tests. */
final class SafeTensorsBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private SafeTensorsBytes() {
    }

    /** Starts a file whose first 8 bytes give {@code headerLength}, which need not match what follows. */
    static SafeTensorsBytes withHeaderLength(long headerLength) {
        SafeTensorsBytes bytes = new SafeTensorsBytes();
        bytes.u64(headerLength);
        return bytes;
    }

    /** Starts a file with this JSON header, its true length first. */
    static SafeTensorsBytes withHeader(String json) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return withHeaderLength(header.length).raw(header);
    }

    SafeTensorsBytes raw(byte... values) {
        out.writeBytes(values);
        return this;
    }

    SafeTensorsBytes u16(int... values) {
        for (int value : values) {
            out.write(value & 0xff);
            out.write((value >>> 8) & 0xff);
        }
        return this;
    }

    SafeTensorsBytes f32(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return raw(buffer.array());
    }

    SafeTensorsBytes u64(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            buffer.putLong(value);
        }
        return raw(buffer.array());
    }

    SafeTensorsBytes zeros(int count) {
        return raw(new byte[count]);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        return Files.write(file, bytes());
    }
}
