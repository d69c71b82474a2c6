/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.CalmException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Read access to the tensors of a checkpoint, whatever its format: a safetensors file ({@link SafeTensorsReader}),
 * a PyTorch {@code pytorch_model.bin} ({@link dev.calm.core.io.torch.TorchCheckpointReader}) or a sharded
 * checkpoint with an index ({@link ShardedCheckpoint}). {@link Checkpoints#open} picks the reader for a path.
 * Every problem is a one-line {@link CalmException} naming the file and the tensor.
 */
public interface CheckpointReader extends AutoCloseable {

    /** @return the file or directory this reader reads, for messages */
    Path source();

    /** @return the tensor names, in the order the file lists them */
    Set<String> names();

    /**
     * @param name a tensor's name
     * @return its stored dtype and shape
     * @throws CalmException if there is no tensor of that name
     */
    TensorSpec spec(String name);

    /**
     * Reads a tensor's bytes exactly as stored: contiguous, row-major, little-endian, in its stored dtype.
     *
     * @param name a tensor's name
     * @return a buffer positioned at 0 holding {@link TensorSpec#byteLength()} bytes, little-endian
     * @throws CalmException if there is no such tensor or it cannot be read
     */
    ByteBuffer readBytes(String name);

    /** @return string metadata of the file (a safetensors header's {@code __metadata__}), empty if none */
    default Map<String, String> metadata() {
        return Map.of();
    }

    /**
     * Reads a tensor into an NDArray: FLOAT32 for F32, F16 and BF16 (widened exactly in Java), INT64 for I64.
     *
     * @param name a tensor's name
     * @param manager the manager that will own the array
     * @return the array, of the tensor's shape
     * @throws CalmException if there is no such tensor or it cannot be read
     */
    default NDArray read(String name, NDManager manager) {
        return TensorBytes.toArray(readBytes(name), spec(name), manager);
    }

    /** @return the total number of elements of every tensor */
    default long numElements() {
        return names().stream().mapToLong(n -> spec(n).numel()).sum();
    }

    /**
     * @param name a tensor's name
     * @return whether the checkpoint holds it
     */
    default boolean contains(String name) {
        return names().contains(name);
    }

    /**
     * The error for a name the checkpoint does not hold, listing a few it does.
     *
     * @param name the missing name
     * @return the exception to throw
     */
    default CalmException noSuchTensor(String name) {
        String known = names().stream().limit(5).collect(Collectors.joining(", "));
        return new CalmException(source() + ": no tensor named '" + name + "' (" + names().size() + " tensors"
                + (known.isEmpty() ? "" : ": " + known + (names().size() > 5 ? ", ..." : "")) + ")");
    }

    /** Releases the files; further reads fail. */
    @Override
    void close();
}
