/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.core.config.Checks;

/**
 * The loop's own state in a checkpoint ({@code trainer_state.json}): with the model and the optimizer moments,
 * everything a resumed run needs to continue exactly.
 *
 * @param step trainer steps done (skipped non-finite steps included)
 * @param optimizerStep updates AdamW has applied (its bias-correction count)
 * @param rngSeed seed of the run's random stream
 * @param rngDraws draws taken from it
 * @param dataPosition the batch source's position
 * @param consecutiveBadSteps non-finite steps in a row up to this step
 * @param tokensSeen tokens consumed so far
 * @param elapsedSeconds wall time spent training so far, over all sessions
 * @param config the config the run was started or resumed with
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainerState(
        long step,
        long optimizerStep,
        long rngSeed,
        long rngDraws,
        long dataPosition,
        int consecutiveBadSteps,
        long tokensSeen,
        double elapsedSeconds,
        TrainConfig config) {

    /**
     * Validates the counters.
     *
     * @param step &gt;= 0
     * @param optimizerStep in [0, step]
     * @param rngSeed the stream's seed
     * @param rngDraws &gt;= 0
     * @param dataPosition &gt;= 0
     * @param consecutiveBadSteps &gt;= 0
     * @param tokensSeen tokens consumed
     * @param elapsedSeconds training wall time
     * @param config not null
     * @throws dev.calm.core.CalmException naming the first invalid counter
     */
    public TrainerState {
        Checks.check(step >= 0, "step must be >= 0, got " + step);
        Checks.check(optimizerStep >= 0 && optimizerStep <= step,
                "optimizer_step must be in [0, step], got " + optimizerStep);
        Checks.check(rngDraws >= 0, "rng_draws must be >= 0, got " + rngDraws);
        Checks.check(dataPosition >= 0, "data_position must be >= 0, got " + dataPosition);
        Checks.check(consecutiveBadSteps >= 0, "consecutive_bad_steps must be >= 0, got " + consecutiveBadSteps);
        Checks.check(config != null, "config is missing");
    }
}
