/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes NDArrays to a safetensors file, atomically ({@link AtomicFiles}): the data goes to a temporary file in the
 * target's directory, which is forced to disk and then renamed over the target, so a failure or crash mid-save never
 * leaves a half-written file at the target path. FLOAT32 arrays are stored in a chosen float format (narrowed in Java with
 * round-to-nearest-even), INT64 arrays as I64. The header is padded with spaces to a multiple of 8 bytes.
 */
public final class SafeTensorsWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SafeTensorsWriter.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensorsWriter() {
    }

    /** Writes one tensor's data at the channel's position. */
    @FunctionalInterface
    private interface Payload {
        void write(FileChannel channel) throws IOException;
    }

    /** A tensor's place in the file being written, and its data. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end, Payload payload) {
    }

    /**
     * Writes tensors given as their stored bytes, without any conversion: what {@link CheckpointReader#readBytes}
     * returns is written as is, so a checkpoint converted to safetensors holds the same bytes. Tensors are fetched
     * one at a time, in order, while the file is written.
     *
     * @param file the target file; replaced if it exists
     * @param tensors the tensors' names, dtypes and shapes, in file order
     * @param metadata string entries stored under {@code __metadata__}; omitted from the header if empty
     * @param bytes the stored bytes of a tensor by name: little-endian, {@link TensorSpec#byteLength()} long
     * @throws CalmException if a tensor's bytes do not match its spec or the file cannot be written; the target is
     *     then unchanged
     */
    public static void writeBytes(Path file, List<TensorSpec> tensors, Map<String, String> metadata,
            Function<String, ByteBuffer> bytes) {
        Objects.requireNonNull(bytes, "bytes");
        List<Entry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (TensorSpec spec : tensors) {
            checkName(file, spec.name());
            long end = offset + spec.byteLength();
            entries.add(new Entry(spec.name(), spec.dtype(), spec.shape(), offset, end, channel -> {
                ByteBuffer data = bytes.apply(spec.name()).duplicate();
                if (data.remaining() != spec.byteLength()) {
                    throw new CalmException(file + ": tensor '" + spec.name() + "' has " + data.remaining()
                            + " bytes of data, expected " + spec.byteLength() + " for " + spec);
                }
                writeFully(channel, data);
            }));
            offset = end;
        }
        writeEntries(file, entries, metadata);
    }

    /**
     * Writes tensors without metadata.
     *
     * @param file the target file; replaced if it exists
     * @param tensors the arrays by name, written in the map's iteration order
     * @param floatFormat how to store FLOAT32 arrays: {@link DType#F32}, {@link DType#BF16} or {@link DType#F16}
     * @throws CalmException if a tensor cannot be stored or the file cannot be written; the target is then unchanged
     */
    public static void write(Path file, Map<String, NDArray> tensors, DType floatFormat) {
        write(file, tensors, Map.of(), floatFormat);
    }

    /**
     * Writes tensors and metadata.
     *
     * @param file the target file; replaced if it exists
     * @param tensors the arrays by name, written in the map's iteration order; FLOAT32 or INT64 only
     * @param metadata string entries stored under {@code __metadata__}; omitted from the header if empty
     * @param floatFormat how to store FLOAT32 arrays: {@link DType#F32}, {@link DType#BF16} or {@link DType#F16}
     * @throws CalmException if a tensor cannot be stored or the file cannot be written; the target is then unchanged
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata,
            DType floatFormat) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(floatFormat, "floatFormat");
        if (!floatFormat.isFloatingPoint()) {
            throw new CalmException(file + ": cannot store float tensors as " + floatFormat.safetensorsName()
                    + " (use F32, BF16 or F16)");
        }
        writeEntries(file, plan(file, tensors, floatFormat), metadata);
    }

    private static void writeEntries(Path file, List<Entry> entries, Map<String, String> metadata) {
        byte[] header = header(file, entries, metadata);
        AtomicFiles.write(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(channel, length);
            writeFully(channel, ByteBuffer.wrap(header));
            for (Entry entry : entries) {
                entry.payload().write(channel);
            }
        });
        LOG.debug("Wrote {}: {} tensors, {} header bytes", file, entries.size(), header.length);
    }

    private static List<Entry> plan(Path file, Map<String, NDArray> tensors, DType floatFormat) {
        List<Entry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, NDArray> tensor : tensors.entrySet()) {
            String name = tensor.getKey();
            NDArray array = tensor.getValue();
            checkName(file, name);
            if (array == null) {
                throw new CalmException(file + ": tensor '" + name + "' is null");
            }
            if (array.isReleased()) {
                throw new CalmException(file + ": tensor '" + name + "' has been closed");
            }
            DataType type = array.getDataType();
            DType dtype;
            if (type == DataType.FLOAT32) {
                dtype = floatFormat;
            } else if (type == DataType.INT64) {
                dtype = DType.I64;
            } else {
                throw new CalmException(file + ": tensor '" + name + "' has data type " + type
                        + "; only FLOAT32 and INT64 arrays can be saved");
            }
            long[] shape = array.getShape().getShape();
            long end = offset + array.getShape().size() * dtype.byteSize();
            DType stored = dtype;
            entries.add(new Entry(name, dtype, shape, offset, end,
                    channel -> writeData(file, channel, name, array, stored, shape)));
            offset = end;
        }
        return entries;
    }

    private static void checkName(Path file, String name) {
        if (name == null || name.isEmpty() || name.equals(SafeTensorsHeader.METADATA_KEY)) {
            throw new CalmException(file + ": invalid tensor name '" + name + "'");
        }
    }

    private static byte[] header(Path file, List<Entry> entries, Map<String, String> metadata) {
        ObjectNode root = MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new CalmException(file + ": metadata entry " + key + "=" + value + " has a null");
                }
                meta.put(key, value);
            });
        }
        for (Entry entry : entries) {
            ObjectNode node = root.putObject(entry.name());
            node.put("dtype", entry.dtype().safetensorsName());
            ArrayNode shape = node.putArray("shape");
            Arrays.stream(entry.shape()).forEach(shape::add);
            node.putArray("data_offsets").add(entry.begin()).add(entry.end());
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new CalmException(file + ": cannot encode header: " + e.getOriginalMessage(), e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeData(Path file, FileChannel channel, String name, NDArray array, DType dtype,
            long[] shape) throws IOException {
        ByteBuffer source;
        try {
            source = array.toByteBuffer().order(ByteOrder.nativeOrder());
        } catch (RuntimeException e) {
            throw new CalmException(file + ": cannot get the data of tensor '" + name + "': " + e, e);
        }
        long sourceBytes = Arrays.stream(shape).reduce(1, Math::multiplyExact)
                * (dtype == DType.I64 ? Long.BYTES : Float.BYTES);
        if (source.remaining() != sourceBytes) {
            throw new CalmException(file + ": tensor '" + name + "' has " + source.remaining()
                    + " bytes of data, expected " + sourceBytes + " for shape " + Arrays.toString(shape));
        }
        if (source.order() == ByteOrder.LITTLE_ENDIAN && (dtype == DType.F32 || dtype == DType.I64)) {
            writeFully(channel, source);
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.I64) {
            var longs = source.asLongBuffer();
            while (longs.hasRemaining()) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES && longs.hasRemaining()) {
                    chunk.putLong(longs.get());
                }
                writeFully(channel, chunk.flip());
            }
            return;
        }
        FloatBuffer floats = source.asFloatBuffer();
        int size = dtype.byteSize();
        while (floats.hasRemaining()) {
            chunk.clear();
            while (chunk.remaining() >= size && floats.hasRemaining()) {
                float value = floats.get();
                switch (dtype) {
                    case F32 -> chunk.putFloat(value);
                    case BF16 -> chunk.putShort(HalfFloats.floatToBf16(value));
                    case F16 -> chunk.putShort(HalfFloats.floatToF16(value));
                    default -> throw new IllegalStateException("not a float format: " + dtype);
                }
            }
            writeFully(channel, chunk.flip());
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        AtomicFiles.writeFully(channel, buffer);
    }
}
