/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a safetensors file. {@link #open} reads and validates the whole header, so a malformed file fails there with
 * a {@link CalmException}; tensor data is then read lazily, one tensor at a time, never the whole file at once.
 * Reads may run concurrently from several threads. Close the reader to release the file.
 */
public final class SafeTensorsReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SafeTensorsReader.class);

    private final Path file;
    private final FileChannel channel;
    private final SafeTensorsHeader header;
    private volatile boolean closed;

    private SafeTensorsReader(Path file, FileChannel channel, SafeTensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    /**
     * Opens a safetensors file and validates its header.
     *
     * @param file the file
     * @return an open reader; close it when done
     * @throws CalmException if the file is missing, unreadable or not a well-formed safetensors file
     */
    public static SafeTensorsReader open(Path file) {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new CalmException(file + ": is a directory, not a safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CalmException(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new CalmException(file + ": cannot read: permission denied", e);
        } catch (IOException e) {
            throw new CalmException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            SafeTensorsHeader header = SafeTensorsHeader.read(channel, file);
            LOG.debug("Opened {}: {} tensors", file, header.tensors().size());
            return new SafeTensorsReader(file, channel, header);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CalmException(file + ": cannot read header: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** @return the safetensors file this reader has open; tensors are read from it lazily until {@link #close()} */
    public Path file() {
        return file;
    }

    /** @return the tensor names in file order, i.e. by position in the data buffer */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    /**
     * @param name a tensor name
     * @return the tensor's header entry
     * @throws CalmException if the file has no tensor of that name
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            String known = names().stream().limit(5).collect(Collectors.joining(", "));
            throw new CalmException(file + ": no tensor named '" + name + "' (" + names().size() + " tensors"
                    + (known.isEmpty() ? "" : ": " + known + (names().size() > 5 ? ", ..." : "")) + ")");
        }
        return info;
    }

    /** @return the header's {@code __metadata__} entries, empty if it has none; unmodifiable */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * Reads one tensor into an NDArray: FLOAT32 for F32, F16 and BF16 (widened exactly), INT64 for I64.
     *
     * @param name the tensor's name
     * @param manager the manager that will own the array
     * @return the array, with the tensor's shape (a scalar shape for {@code []})
     * @throws CalmException if there is no such tensor or it cannot be read
     */
    public NDArray read(String name, NDManager manager) {
        TensorInfo info = info(name);
        boolean floating = info.dtype().isFloatingPoint();
        DataType type = floating ? DataType.FLOAT32 : DataType.INT64;
        ByteBuffer raw = readRaw(info, true);
        ByteBuffer data;
        if (info.dtype().byteSize() == type.getNumOfBytes() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            data = raw.order(ByteOrder.nativeOrder());
        } else {
            data = ByteBuffer.allocateDirect(checkedBytes(info, type.getNumOfBytes())).order(ByteOrder.nativeOrder());
            if (floating) {
                decodeFloats(raw, info.dtype(), data.asFloatBuffer());
            } else {
                data.asLongBuffer().put(raw.asLongBuffer());
            }
        }
        return Backend.owned(manager.create(data, new Shape(info.shape()), type)); // off the Java buffer
    }

    /**
     * Reads a floating-point tensor (F32, F16 or BF16) into a Java array, row-major.
     *
     * @param name the tensor's name
     * @return its values, widened exactly to float
     * @throws CalmException if there is no such tensor, it is not floating-point, or it cannot be read
     */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().isFloatingPoint()) {
            throw new CalmException(file + ": tensor '" + name + "' is " + info.dtype().safetensorsName()
                    + ", not a floating-point tensor");
        }
        float[] values = new float[checkedBytes(info, Float.BYTES) / Float.BYTES];
        decodeFloats(readRaw(info, false), info.dtype(), FloatBuffer.wrap(values));
        return values;
    }

    /**
     * Reads an I64 tensor into a Java array, row-major.
     *
     * @param name the tensor's name
     * @return its values
     * @throws CalmException if there is no such tensor, it is not I64, or it cannot be read
     */
    public long[] readLongs(String name) {
        TensorInfo info = info(name);
        if (info.dtype() != DType.I64) {
            throw new CalmException(file + ": tensor '" + name + "' is " + info.dtype().safetensorsName()
                    + ", not I64");
        }
        long[] values = new long[checkedBytes(info, Long.BYTES) / Long.BYTES];
        readRaw(info, false).asLongBuffer().get(values);
        return values;
    }

    /**
     * Reads every tensor, as {@link #read} does. On failure, the arrays already read are closed.
     *
     * @param manager the manager that will own the arrays
     * @return the arrays by name, in file order
     * @throws CalmException if a tensor cannot be read
     */
    public Map<String, NDArray> readAll(NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (String name : names()) {
                arrays.put(name, read(name, manager));
            }
        } catch (RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return arrays;
    }

    /** Closes the file. Further reads fail; closing twice does nothing. */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing {} failed", file, e);
        }
    }

    /** Reads a tensor's bytes into a little-endian buffer positioned at 0. */
    private ByteBuffer readRaw(TensorInfo info, boolean direct) {
        if (closed) {
            throw new CalmException(file + ": cannot read tensor '" + info.name() + "': the reader is closed");
        }
        int length = checkedBytes(info, info.dtype().byteSize());
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        try {
            SafeTensorsHeader.readFully(channel, buffer, header.dataStart() + info.begin());
        } catch (IOException e) {
            throw new CalmException(file + ": cannot read tensor '" + info.name() + "': " + e, e);
        }
        return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns numel * elementBytes as an int, or fails if it would not fit one Java array or buffer. */
    private int checkedBytes(TensorInfo info, int elementBytes) {
        long bytes = info.numel() * elementBytes; // cannot overflow: the header check bounded numel * dtype size
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new CalmException(file + ": tensor '" + info.name() + "' needs " + bytes
                    + " bytes, more than one Java buffer holds (2 GiB)");
        }
        return (int) bytes;
    }

    private static void decodeFloats(ByteBuffer raw, DType dtype, FloatBuffer target) {
        switch (dtype) {
            case F32 -> target.put(raw.asFloatBuffer());
            case BF16 -> {
                ShortBuffer bits = raw.asShortBuffer();
                while (bits.hasRemaining()) {
                    target.put(HalfFloats.bf16ToFloat(bits.get()));
                }
            }
            case F16 -> {
                ShortBuffer bits = raw.asShortBuffer();
                while (bits.hasRemaining()) {
                    target.put(HalfFloats.f16ToFloat(bits.get()));
                }
            }
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the original failure matters more
        }
    }
}
