/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import picocli.CommandLine.Option;

/** The options every command that computes shares: where, on how many threads, and from which seed. */
final class RuntimeOptions {

    @Option(names = "--threads", description = "libtorch intra-op threads (default: libtorch's choice)")
    private Integer threads;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE})")
    private String device;

    @Option(names = "--seed", defaultValue = "0", description = "seed of every random choice (default: ${DEFAULT-VALUE})")
    private long seed;

    /**
     * Applies the thread count and opens a root manager on the chosen device.
     *
     * @return the root manager, to be closed by the caller
     */
    NDManager open() {
        if (threads != null) {
            Backend.setThreads(threads);
        }
        return Backend.newManager(device());
    }

    /** @return the chosen device, for messages */
    Device device() {
        return Device.parse(device);
    }

    /** @return the seed */
    long seed() {
        return seed;
    }
}
