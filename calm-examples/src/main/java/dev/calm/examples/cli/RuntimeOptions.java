/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
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

    @Option(names = "--deterministic", description = "insist on bit-identical results for the same command, seed and "
            + "thread count. The CPU always gives them (another --threads may change the last bits); on a GPU the "
            + "command refuses to run instead, since DJL cannot switch libtorch to deterministic CUDA kernels "
            + "(atomic adds in the embedding and index backward passes sum in a varying order)")
    private boolean deterministic;

    /**
     * Applies the thread count and opens a root manager on the chosen device.
     *
     * @return the root manager, to be closed by the caller
     */
    NDManager open() {
        Device chosen = device();
        if (deterministic && chosen.kind() == Device.Kind.GPU) {
            throw new CalmException("--deterministic cannot be kept on " + chosen + ": DJL 0.36 does not expose "
                    + "torch.use_deterministic_algorithms, and CUDA's atomic adds sum in a varying order; use "
                    + "--device cpu for bit-identical runs, or drop --deterministic for close ones");
        }
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
