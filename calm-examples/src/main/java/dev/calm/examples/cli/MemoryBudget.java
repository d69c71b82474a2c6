/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Whether a training batch fits in this machine's memory, asked before the batch is allocated. libtorch's memory is
 * native: when it runs out, the kernel kills the JVM (no exception, no message, a half-done command). So the bench
 * measures the peak resident memory of steps at batch 1 and 2 (Linux's {@code VmHWM}, reset between them through
 * {@code /proc/self/clear_refs}), extrapolates to the asked batch linearly (activations grow with the batch; weights,
 * gradients and the optimizer's moments do not), and refuses a batch whose estimate exceeds
 * {@value #USABLE_SHARE} of what the process may grow into: its resident memory plus {@code MemAvailable}, capped
 * by the cgroup's {@code memory.max} where one is set. Where /proc is missing (not Linux) the check is skipped.
 */
final class MemoryBudget {

    /** The share of the reachable memory an estimate may take: the rest covers the estimate's error. */
    static final double USABLE_SHARE = 0.85;

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path CGROUP_MAX = Path.of("/sys/fs/cgroup/memory.max");
    private static final Path CGROUP_CURRENT = Path.of("/sys/fs/cgroup/memory.current");

    private MemoryBudget() {}

    /** @return whether this machine reports and resets peak resident memory */
    static boolean supported() {
        return Files.isReadable(STATUS) && Files.isWritable(CLEAR_REFS) && Files.isReadable(MEMINFO);
    }

    /** Resets the peak resident memory to the current one (writing 5 to clear_refs). */
    static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException e) {
            throw new CalmException("cannot reset the peak resident memory: " + e.getMessage());
        }
    }

    /** @return the peak resident memory since the last {@link #resetPeak()}, in bytes */
    static long peakResident() {
        return kilobytes(STATUS, "VmHWM:") * 1024;
    }

    /** @return the memory this process may grow into, in bytes: resident + available, under the cgroup's limit */
    static long reachable() {
        long resident = kilobytes(STATUS, "VmRSS:") * 1024;
        long reachable = resident + kilobytes(MEMINFO, "MemAvailable:") * 1024;
        OptionalLong max = cgroupBytes(CGROUP_MAX);
        OptionalLong current = cgroupBytes(CGROUP_CURRENT);
        if (max.isPresent() && current.isPresent()) {
            reachable = Math.min(reachable, resident + Math.max(0, max.getAsLong() - current.getAsLong()));
        }
        return reachable;
    }

    /**
     * The linear estimate and the refusal, apart from the measurement so that they can be checked by hand.
     *
     * @param what the training being checked, for the message (e.g. "the calm model's training bench")
     * @param batch the batch that would be allocated
     * @param peakAtOne peak resident bytes of steps at batch 1
     * @param peakAtTwo peak resident bytes of steps at batch 2
     * @param reachable bytes the process may grow into
     * @return the estimated peak at {@code batch}, in bytes
     * @throws CalmException naming the estimate, the memory and the largest batch that fits, if it does not fit
     */
    static long check(String what, int batch, long peakAtOne, long peakAtTwo, long reachable) {
        long perBlock = Math.max(0, peakAtTwo - peakAtOne);
        long fixed = peakAtOne - perBlock;
        double estimate = fixed + (double) perBlock * batch;
        double usable = USABLE_SHARE * reachable;
        if (estimate > usable) {
            long fits = perBlock == 0 ? 0 : (long) Math.floor((usable - fixed) / perBlock);
            throw new CalmException(String.format(Locale.ROOT, "%s at --batch %d needs about %.1f GB (%.0f MB per "
                    + "block, measured at batch 1 and 2), more than %.0f%% of the %.1f GB this process can reach: %s",
                    what, batch, estimate / 1e9, perBlock / 1e6, 100 * USABLE_SHARE, reachable / 1e9,
                    fits >= 1 ? "use --batch " + Math.min(fits, batch - 1) + " or less" : "use a smaller preset"));
        }
        return (long) estimate;
    }

    /**
     * Refuses an allocation of known size that would not fit ({@value #USABLE_SHARE} of {@link #reachable()});
     * nothing where {@link #supported()} is false.
     *
     * @param what the allocation, for the message, and the options that set its size
     * @param bytes its size
     * @throws CalmException naming the size and the memory, if it does not fit
     */
    static void checkFits(String what, double bytes) {
        if (!supported()) {
            return;
        }
        long reachable = reachable();
        if (bytes > USABLE_SHARE * reachable) {
            throw new CalmException(String.format(Locale.ROOT, "%s needs %.1f GB, more than %.0f%% of the %.1f GB this "
                    + "process can reach", what, bytes / 1e9, 100 * USABLE_SHARE, reachable / 1e9));
        }
    }

    private static long kilobytes(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new CalmException("cannot read " + key + " from " + file + ": " + e.getMessage());
        }
        throw new CalmException(file + " has no " + key + " line");
    }

    private static OptionalLong cgroupBytes(Path file) {
        try {
            String value = Files.readString(file).trim();
            return value.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
