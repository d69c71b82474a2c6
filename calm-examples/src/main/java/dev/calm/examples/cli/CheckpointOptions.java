/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import picocli.CommandLine.Option;

/** How often the training commands save a checkpoint: what a crash or Ctrl-C can cost at most. */
final class CheckpointOptions {

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "optimizer steps between two "
            + "checkpoints of a training stage (a run also saves one when it stops) (default: ${DEFAULT-VALUE})")
    private int every;

    /** @return what is wrong with the option, or null */
    String problem() {
        return every < 1 ? "--checkpoint-every must be >= 1, got " + every : null;
    }

    /** @return optimizer steps between two checkpoints */
    int every() {
        return every;
    }
}
