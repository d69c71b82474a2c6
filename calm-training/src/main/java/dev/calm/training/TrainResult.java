/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import java.nio.file.Path;

/**
 * How a call to {@link Trainer#fit()} ended.
 *
 * @param steps trainer steps done in the whole run (resumed steps included)
 * @param finalLoss loss of the last step with a finite loss, NaN if none ran in this session
 * @param tokensSeen tokens consumed in the whole run
 * @param elapsedSeconds wall time spent training, over all sessions
 * @param tokensPerSecond throughput of this session
 * @param stopReason why the loop stopped
 * @param lastCheckpoint the newest checkpoint, or null if none was written
 * @param trainFlops training FLOPs of the whole run ({@link Objective#flopsPerToken}), NaN if not counted
 * @param overheadSeconds wall time of this session spent outside the steps: in the hooks (evaluation during
 *     training) and writing checkpoints
 */
public record TrainResult(
        long steps,
        double finalLoss,
        long tokensSeen,
        double elapsedSeconds,
        double tokensPerSecond,
        StopReason stopReason,
        Path lastCheckpoint,
        double trainFlops,
        double overheadSeconds) {

    /** Why the loop stopped. */
    public enum StopReason {
        /** max_steps reached. */
        MAX_STEPS,
        /** max_minutes reached; a final checkpoint was saved. */
        TIME_BUDGET,
        /** A hook asked to stop; a final checkpoint was saved. */
        STOP_REQUESTED
    }
}
