/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.AtomicFiles;
import dev.calm.core.io.FileTrees;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per run directory: an advisory lock on {@value #FILE} in the run directory
 * ({@link FileChannel#tryLock()}, an OS lock the kernel releases when its process dies, however it dies), with the
 * holder's PID, host, command and start time written in the file for the message a second writer gets.
 *
 * <pre>{@code
 * try (RunLock lock = RunLock.acquire(runDir, "calm train-ae")) {
 *     ... // train, write checkpoints and models
 * }
 * }</pre>
 *
 * <p>A second writer fails at once with a {@link CalmException} naming the holder, before it changes anything. A
 * lock file left by a process that was killed is no longer locked, so the next writer takes it over (and logs
 * whose it was). The file is never deleted, only emptied on release: deleting it would let two writers lock two
 * different files of the same name. Readers need no lock: every file a writer replaces is written to a temporary
 * name and renamed over the old one, and {@code metrics.jsonl} readers skip an incomplete last line.
 *
 * <p>The holder removes the temporary files and checkpoint directories that an interrupted writer left, since no
 * other writer can be in the middle of writing them. Acquiring also refuses a run directory that cannot be written (a read-only file system or permissions),
 * checking the directory and the directories under it, so that a run fails before training rather than at its
 * first checkpoint. The lock is advisory and per machine: network file systems that do not forward POSIX locks
 * give no protection between hosts.
 */
public final class RunLock implements AutoCloseable {

    /** The lock file's name in the run directory. */
    public static final String FILE = ".calm.lock";

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /**
     * The lock files this JVM holds, with their holder lines. POSIX releases all of a process's locks on a file
     * when the process closes any channel to it, so a second writer in this JVM is refused from here, without
     * opening the file.
     */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, Path key, FileChannel channel, FileLock lock) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the run directory's lock, creating the directory if needed.
     *
     * @param runDir the run directory
     * @param command what holds the lock, for the message another writer gets, e.g. "calm train-ae"
     * @return the held lock; close it when the command is done
     * @throws CalmException if another process holds the lock, or the directory cannot be written
     */
    public static RunLock acquire(Path runDir, String command) {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new CalmException("cannot create the run directory " + runDir + ": " + reason(e), e);
        }
        checkWritable(runDir);
        Path file = runDir.resolve(FILE);
        Path key = key(file);
        String heldHere = HELD.get(key);
        if (heldHere != null) {
            throw inUse(runDir, heldHere);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CalmException("cannot write to the run directory " + runDir + ": " + reason(e), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
            if (lock == null) {
                String holder = read(channel);
                channel.close();
                throw inUse(runDir, holder);
            }
            String previous = read(channel);
            if (!previous.isBlank()) {
                LOG.info("taking over {}: its holder, {}, ended without releasing it", file, describe(previous));
            }
            String holder = holderLine(command);
            write(channel, holder);
            HELD.put(key, holder);
            RunLock held = new RunLock(file, key, channel, lock);
            try {
                removeTemporaries(runDir);
            } catch (RuntimeException e) {
                held.close();
                throw e;
            }
            return held;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CalmException("cannot lock the run directory " + runDir + ": " + reason(e), e);
        }
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /** Empties the lock file and releases the lock. */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        } catch (IOException e) {
            LOG.warn("cannot release {} cleanly: {}", file, e.getMessage());
        } finally {
            closeQuietly(channel);
            HELD.remove(key);
        }
    }

    private static CalmException inUse(Path runDir, String holderLine) {
        return new CalmException("run directory " + runDir + " is in use by " + describe(holderLine)
                + ": wait for it to finish, or use another --run-dir");
    }

    /** The lock file's real path, the same for every spelling of the run directory. */
    private static Path key(Path file) {
        try {
            return file.getParent().toRealPath().resolve(file.getFileName());
        } catch (IOException e) {
            return file.toAbsolutePath().normalize();
        }
    }

    /**
     * Deletes what writes that were interrupted (a crash, a SIGKILL) left: temporary files of {@link AtomicFiles}
     * and temporary checkpoint directories, three levels deep. Only the lock's holder may: no other writer can be
     * in the middle of a write.
     */
    private static void removeTemporaries(Path runDir) {
        try (Stream<Path> all = Files.walk(runDir, 3)) {
            for (Path p : all.filter(p -> AtomicFiles.isTemporary(p)
                    || p.getFileName().toString().startsWith(CheckpointStore.TEMP_PREFIX)).toList()) {
                LOG.info("removing {}, left by a write that was interrupted", p);
                FileTrees.delete(p);
            }
        } catch (IOException e) {
            throw new CalmException("cannot read the run directory " + runDir + ": " + reason(e), e);
        }
    }

    /** The directory and every directory below it, two levels deep, must be writable: refused before any work. */
    private static void checkWritable(Path runDir) {
        try (Stream<Path> dirs = Files.walk(runDir, 2)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                if (!Files.isWritable(dir)) {
                    throw new CalmException((dir.equals(runDir) ? "the run directory " : "the directory ") + dir
                            + " is not writable (read-only file system or permissions): nothing was run");
                }
            }
        } catch (IOException e) {
            throw new CalmException("cannot read the run directory " + runDir + ": " + reason(e), e);
        }
    }

    private static String holderLine(String command) {
        ObjectNode holder = Json.MAPPER.createObjectNode();
        holder.put("pid", ProcessHandle.current().pid());
        holder.put("host", hostName());
        holder.put("command", command);
        holder.put("since", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return holder.toString() + "\n";
    }

    /** "calm train-ae (PID 123 on host h, since 2026-...)" from a holder line, or a generic phrase. */
    private static String describe(String line) {
        try {
            JsonNode h = Json.MAPPER.readTree(line);
            if (h != null && h.hasNonNull("pid")) {
                return h.path("command").asText("another process") + " (PID " + h.get("pid").asLong() + " on host "
                        + h.path("host").asText("?") + ", since " + h.path("since").asText("?") + ")";
            }
        } catch (IOException e) {
            // written partly, or by something else: say what we can
        }
        return "another process";
    }

    private static String read(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read until full or end of file
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static void write(FileChannel channel, String text) throws IOException {
        channel.truncate(0);
        ByteBuffer data = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long at = 0;
        while (data.hasRemaining()) {
            at += channel.write(data, at);
        }
        channel.force(true);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** "Read-only file system", "permission denied" and the like, from an I/O error. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held any more
        }
    }
}
