/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a safetensors file. {@link #open} reads and validates the whole header, so a malformed file fails there with
 * a {@link CalmException}; tensor data is then read lazily, one tensor at a time, never the whole file at once.
 * Reads may run concurrently from several threads. Close the reader to release the file.
 */
public final class SafeTensorsReader implements CheckpointReader {

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
        FileChannel channel = Checkpoints.openChannel(file, "a safetensors file");
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

    @Override
    public Path source() {
        return file;
    }

    /** @return the tensor names in file order, i.e. by position in the data buffer */
    @Override
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
            throw noSuchTensor(name);
        }
        return info;
    }

    @Override
    public TensorSpec spec(String name) {
        return info(name).spec();
    }

    @Override
    public ByteBuffer readBytes(String name) {
        return readRaw(info(name), false);
    }

    /** @return the header's {@code __metadata__} entries, empty if it has none; unmodifiable */
    @Override
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
    @Override
    public NDArray read(String name, NDManager manager) {
        return TensorBytes.toArray(readRaw(info(name), true), spec(name), manager);
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
        return TensorBytes.toFloats(readRaw(info, false), spec(name));
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
        long[] values = new long[TensorBytes.checkedBytes(spec(name), Long.BYTES) / Long.BYTES];
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
        int length;
        try {
            length = TensorBytes.checkedBytes(spec(info.name()), info.dtype().byteSize());
        } catch (CalmException e) {
            throw new CalmException(file + ": " + e.getMessage(), e);
        }
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
        try {
            Checkpoints.readFully(channel, buffer, header.dataStart() + info.begin());
        } catch (IOException e) {
            throw new CalmException(file + ": cannot read tensor '" + info.name() + "': " + e, e);
        }
        return buffer.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the original failure matters more
        }
    }
}
