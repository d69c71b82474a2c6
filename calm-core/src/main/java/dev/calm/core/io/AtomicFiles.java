/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole-file writes that a crash, a full disk or a failed write never leaves half done: the content goes to a
 * hidden temporary file beside the target ({@code .<name>.tmp-<random>}), which is forced to disk and then renamed
 * over the target in one step, and the directory entry is synced. On any failure the temporary file is deleted
 * and the target keeps its previous content; a reader sees the old file or the new one, never a mix.
 *
 * <p>The temporary file is created with the default permissions of new files (0666 less the process's umask, so
 * 0644 under the usual umask), like every other file the library writes: not the 0600 of
 * {@link Files#createTempFile}.
 */
public final class AtomicFiles {

    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp-[0-9a-f]+");

    private AtomicFiles() {}

    /** What goes into the file: written to a channel positioned at its start. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param channel the temporary file, open for writing
         * @throws IOException if a write fails
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Writes a file atomically.
     *
     * @param file the target; replaced if it exists; its directory must exist
     * @param content what to write
     * @throws CalmException naming the file and the cause (a full disk, a read-only file system...); the target is
     *     then unchanged and no temporary file is left
     */
    public static void write(Path file, Content content) {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new CalmException(file + ": cannot write: directory " + directory + " does not exist");
        }
        Path temp = temporarySibling(target);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            move(temp, target);
            moved = true;
            syncDirectory(directory);
        } catch (IOException e) {
            throw new CalmException("cannot write " + file + ": " + describe(e), e);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * Writes text as UTF-8, atomically.
     *
     * @param file the target
     * @param text the content
     */
    public static void writeString(Path file, String text) {
        write(file, channel -> writeFully(channel, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * Writes bytes produced on a stream, atomically.
     *
     * @param file the target
     * @param content writes to the stream it is given (which it must not close)
     */
    public static void writeStream(Path file, StreamContent content) {
        write(file, channel -> content.writeTo(Channels.newOutputStream(channel)));
    }

    /** What goes into the file, written to an output stream. */
    @FunctionalInterface
    public interface StreamContent {
        /**
         * @param out the temporary file's stream
         * @throws IOException if a write fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a whole buffer.
     *
     * @param channel the file
     * @param buffer the bytes, from its position to its limit
     * @throws IOException if a write fails
     */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * @param target a file
     * @return a fresh hidden name beside it, {@code .<name>.tmp-<random hex>}
     */
    public static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * @param path a file
     * @return whether its name is that of a temporary file of {@link #write}, which only a write that was
     *     interrupted (a crash, a kill) leaves behind
     */
    public static boolean isTemporary(Path path) {
        return TEMPORARY.matcher(path.getFileName().toString()).matches();
    }

    /**
     * Renames a file or directory over another in one step (or, where the file system cannot, replaces it).
     *
     * @param from the source
     * @param to the target
     * @throws IOException if the rename fails
     */
    public static void move(Path from, Path to) throws IOException {
        try {
            // REPLACE_EXISTING too: POSIX rename replaces anyway, but some providers (Jimfs) only when asked
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces a directory's entries to disk where the platform allows opening a directory (Linux does; elsewhere
     * it does nothing).
     *
     * @param directory the directory
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot sync directory {}: {}", directory, e.getMessage());
        }
    }

    /**
     * @param e an I/O error
     * @return its cause in words: "No space left on device", "Read-only file system", the message otherwise
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("cannot delete the temporary file {}: {}", temp, e.getMessage());
        }
    }
}
