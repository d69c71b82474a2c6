/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.AtomicFiles;
import dev.calm.core.io.DType;
import dev.calm.core.io.FileTrees;
import dev.calm.core.nn.Module;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of a run: {@code <runDir>/checkpoints/step-<8 digits>/} holding {@code model.safetensors},
 * {@code optimizer.safetensors} and {@code trainer_state.json}, plus a {@code latest} file naming the newest.
 *
 * <p>A checkpoint is written into a hidden temporary sibling directory, every file forced to disk, and the
 * directory then renamed atomically; only then is {@code latest} replaced (atomically too) and old checkpoints
 * pruned. A crash at any point leaves either the previous state or the new complete checkpoint; leftover
 * temporary directories are never picked and are removed by {@link #cleanTemporaries()}.
 */
public final class CheckpointStore {

    /** Model weights file in a checkpoint directory. */
    public static final String MODEL = "model.safetensors";
    /** Optimizer moments file in a checkpoint directory. */
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** Trainer state file in a checkpoint directory. */
    public static final String STATE = "trainer_state.json";
    /** The file naming the newest complete checkpoint. */
    public static final String LATEST = "latest";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");
    /** The name prefix of a checkpoint (or {@code latest}) being written. */
    static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;

    /** @param runDir the run directory; checkpoints go to its {@code checkpoints} sub-directory */
    public CheckpointStore(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    /** @return the directory holding the checkpoints */
    public Path directory() {
        return dir;
    }

    /**
     * @param step a trainer step
     * @return the directory name of that step's checkpoint, e.g. {@code step-00000100}
     */
    public static String name(long step) {
        return String.format("step-%08d", step);
    }

    /**
     * Writes a checkpoint atomically, updates {@code latest} and keeps only the newest {@code keep}.
     *
     * @param model the model (weights saved in {@code format})
     * @param optimizer the optimizer whose moments are saved to {@code optimizer.safetensors}
     * @param state the trainer's state; its step names the checkpoint
     * @param format F32 for exact resume, or BF16 / F16
     * @param keep how many checkpoints to keep
     * @return the checkpoint's directory
     */
    public Path save(Module model, AdamW optimizer, TrainerState state, DType format, int keep) {
        Path target = dir.resolve(name(state.step()));
        if (isComplete(target)) {
            LOG.debug("checkpoint {} already exists; not written again", target);
            writeLatest(target);
            return target;
        }
        Path temp = temporary(name(state.step()));
        try {
            Files.createDirectories(dir);
            Files.createDirectory(temp);
            model.save(temp.resolve(MODEL), format);
            optimizer.save(temp.resolve(OPTIMIZER));
            writeSynced(temp.resolve(STATE), Json.toJson(state) + "\n");
            syncDirectory(temp);
            move(temp, target);
            syncDirectory(dir);
        } catch (IOException e) {
            FileTrees.delete(temp);
            throw cannotWrite(target, AtomicFiles.describe(e), e);
        } catch (CalmException e) {
            FileTrees.delete(temp);
            throw cannotWrite(target, e.getCause() instanceof IOException io ? AtomicFiles.describe(io)
                    : e.getMessage(), e);
        } catch (RuntimeException e) {
            FileTrees.delete(temp);
            throw e;
        }
        writeLatest(target);
        prune(keep);
        LOG.info("saved checkpoint {}", target);
        return target;
    }

    /** "cannot write checkpoint X: out of disk space; the newest complete checkpoint, Y, is intact". */
    private CalmException cannotWrite(Path target, String reason, Exception cause) {
        return new CalmException("cannot write checkpoint " + target + ": " + reason + "; " + latest()
                .map(p -> "the newest complete checkpoint, " + p + ", is intact").orElse("there is no earlier one"),
                cause);
    }

    /**
     * The newest complete checkpoint. It is normally the one {@code latest} names; a complete checkpoint with a
     * higher step wins (a crash between the rename and the pointer update leaves exactly that), and an
     * incomplete one is never picked. Temporary directories are never considered.
     *
     * @return its directory, or empty if there is none
     */
    public Optional<Path> latest() {
        Optional<Path> newest = Optional.empty();
        List<Path> all = checkpoints();
        for (int i = all.size() - 1; i >= 0 && newest.isEmpty(); i--) {
            if (isComplete(all.get(i))) {
                newest = Optional.of(all.get(i));
            }
        }
        Path pointer = dir.resolve(LATEST);
        if (Files.isRegularFile(pointer)) {
            try {
                String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
                if (newest.isEmpty() || !newest.get().getFileName().toString().equals(name)) {
                    LOG.warn("{} names '{}', which is not the newest complete checkpoint; using {}", pointer, name,
                            newest.map(Path::toString).orElse("none"));
                }
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", pointer, e.getMessage());
            }
        }
        return newest;
    }

    /**
     * Checks that a checkpoint directory holds its three files and reads its state.
     *
     * @param checkpoint a checkpoint directory
     * @return its trainer state
     */
    public static TrainerState readState(Path checkpoint) {
        List<String> missing = new ArrayList<>();
        for (String f : new String[] {MODEL, OPTIMIZER, STATE}) {
            if (!Files.isRegularFile(checkpoint.resolve(f))) {
                missing.add(f);
            }
        }
        if (!missing.isEmpty()) {
            throw new CalmException("checkpoint " + checkpoint + " is incomplete: missing " + String.join(", ", missing));
        }
        return Json.read(checkpoint.resolve(STATE), TrainerState.class);
    }

    /** @return every checkpoint directory (complete or not), by ascending step */
    public List<Path> checkpoints() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new CalmException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(CheckpointStore::stepOf));
        return out;
    }

    /** Removes temporary directories left by a save that crashed. */
    public void cleanTemporaries() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : entries) {
                LOG.info("removing {} left by an interrupted checkpoint", p);
                FileTrees.delete(p);
            }
        } catch (IOException e) {
            throw new CalmException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static boolean isComplete(Path checkpoint) {
        return Files.isRegularFile(checkpoint.resolve(MODEL)) && Files.isRegularFile(checkpoint.resolve(OPTIMIZER))
                && Files.isRegularFile(checkpoint.resolve(STATE));
    }

    private void writeLatest(Path target) {
        Path temp = temporary(LATEST);
        try {
            writeSynced(temp, target.getFileName() + "\n");
            move(temp, dir.resolve(LATEST));
            syncDirectory(dir);
        } catch (IOException e) {
            FileTrees.delete(temp);
            throw new CalmException("cannot update " + dir.resolve(LATEST) + ": " + AtomicFiles.describe(e), e);
        }
    }

    /**
     * Removes all but the newest {@code keep} checkpoints. Each is first renamed atomically to a temporary name and
     * only then deleted file by file, so that a crash mid-way never leaves a checkpoint directory with some of its
     * files gone: what it leaves is a temporary directory, which {@link #cleanTemporaries()} removes.
     */
    private void prune(int keep) {
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            Path old = all.get(i);
            Path doomed = temporary(old.getFileName() + "-removed");
            LOG.debug("removing old checkpoint {}", old);
            try {
                move(old, doomed);
                syncDirectory(dir);
            } catch (IOException e) {
                throw new CalmException("cannot remove old checkpoint " + old + ": " + AtomicFiles.describe(e), e);
            }
            FileTrees.delete(doomed);
        }
    }

    /** A fresh name in this store's directory that {@link #cleanTemporaries()} removes and no lookup picks. */
    private Path temporary(String stem) {
        return dir.resolve(TEMP_PREFIX + stem + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    private static void writeSynced(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer data = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (data.hasRemaining()) {
                ch.write(data);
            }
            ch.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        AtomicFiles.move(from, to);
    }

    private static void syncDirectory(Path directory) {
        AtomicFiles.syncDirectory(directory);
    }
}
