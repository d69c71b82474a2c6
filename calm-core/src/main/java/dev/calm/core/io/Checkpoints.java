/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import dev.calm.core.CalmException;
import dev.calm.core.io.torch.TorchCheckpointReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Finds and opens the weights of a model directory or file, in the formats Hugging Face writes: one
 * {@code model.safetensors}, shards with a {@code model.safetensors.index.json}, one {@code pytorch_model.bin}
 * (a {@code torch.save} archive), or shards with a {@code pytorch_model.bin.index.json}, preferred in that order
 * as {@code from_pretrained} does.
 */
public final class Checkpoints {

    /** The weight files a model directory may hold, in order of preference. */
    public static final List<String> WEIGHT_FILES = List.of("model.safetensors", "model.safetensors.index.json",
            "pytorch_model.bin", "pytorch_model.bin.index.json");

    private Checkpoints() {}

    /**
     * @param dir a model directory
     * @return its preferred weights file, if it holds one of {@link #WEIGHT_FILES}
     */
    public static Optional<Path> weightsFile(Path dir) {
        return WEIGHT_FILES.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
    }

    /**
     * Opens a checkpoint.
     *
     * @param path a model directory, a safetensors file, a {@code torch.save} archive or a shard index
     * @return the open reader; close it when done
     * @throws CalmException if nothing readable is there
     */
    public static CheckpointReader open(Path path) {
        if (Files.isDirectory(path)) {
            return openFile(weightsFile(path).orElseThrow(() -> new CalmException(path + " holds no weights (looked "
                    + "for " + String.join(", ", WEIGHT_FILES) + ")")));
        }
        if (!Files.exists(path)) {
            throw new CalmException(path + ": no such file or directory");
        }
        return openFile(path);
    }

    /**
     * Opens one checkpoint file, recognised by its content (a zip archive is a {@code torch.save} file) or, for a
     * shard index, by its name ending in {@code .index.json}.
     *
     * @param file the file
     * @return the open reader
     */
    public static CheckpointReader openFile(Path file) {
        if (file.getFileName().toString().endsWith(".index.json")) {
            return ShardedCheckpoint.open(file);
        }
        return isZip(file) || file.getFileName().toString().endsWith(".bin") ? TorchCheckpointReader.open(file)
                : SafeTensorsReader.open(file);
    }

    /**
     * Opens a checkpoint file for reading, each failure one line naming the file.
     *
     * @param file the file
     * @param what what the file should be, for the message when it is a directory, e.g. "a safetensors file"
     * @return the open channel
     */
    public static FileChannel openChannel(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new CalmException(file + ": is a directory, not " + what);
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CalmException(file + ": file not found", e);
        } catch (AccessDeniedException e) {
            throw new CalmException(file + ": cannot read: permission denied", e);
        } catch (IOException e) {
            throw new CalmException(file + ": cannot open: " + e.getMessage(), e);
        }
    }

    /**
     * Fills a buffer from a position of a file.
     *
     * @param channel the file
     * @param buffer filled from its position to its limit
     * @param position the file offset of the first byte
     * @throws IOException if the file cannot be read or ends first (an {@link EOFException} then)
     */
    public static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException("unexpected end of file at byte " + at + " (was the file truncated?)");
            }
            at += read;
        }
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            return false; // the reader that opens it names the problem
        }
    }
}
