/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import java.util.Locale;

/**
 * The quickstart's wall-clock budget ({@code --minutes}), split across its stages as they come. The stages that do
 * a fixed amount of work (corpus, tokenizer, evaluation, generation, report) take what they take; the three
 * training stages share the rest: the autoencoder a fixed share, then CALM and the baseline the same time each,
 * sized from what is left when they start, so that a stage that ends early or late is absorbed by the next ones.
 *
 * @param totalSeconds the whole budget
 * @param startNanos {@link System#nanoTime()} when the run started
 * @param reserveSeconds time kept for the stages after the language models (BrierLM, generation, report)
 */
public record Budget(double totalSeconds, long startNanos, double reserveSeconds) {

    /** The autoencoder's share of the training time (the paper's first stage; 7 of 19 minutes at the default). */
    public static final double AUTOENCODER_SHARE = 0.37;
    /**
     * Seconds the evaluation and generation stages take on a 2-core CPU at the default sizes (about 40 s of
     * BrierLM, 60 s of generation and its speed runs, a few seconds of report), and at most a quarter of a small
     * budget.
     */
    public static final double RESERVE_SECONDS = 110;
    /** The autoencoder's reconstruction sweep after its training, on a 2-core CPU. */
    public static final double AUTOENCODER_EVAL_SECONDS = 15;
    /** No training stage gets less than this, however late it starts. */
    public static final double MIN_STAGE_MINUTES = 0.1;

    /**
     * @param totalSeconds the whole run's budget, finite and &gt; 0
     * @param startNanos when the run started ({@link System#nanoTime})
     * @param reserveSeconds what the stages that do a fixed amount of work take out of it
     */
    public Budget {
        if (!(totalSeconds > 0) || Double.isInfinite(totalSeconds)) {
            throw new IllegalArgumentException("the budget must be a finite number of seconds > 0, got " + totalSeconds);
        }
    }

    /**
     * @param minutes the whole budget
     * @return a budget whose clock starts now
     */
    public static Budget startingNow(double minutes) {
        double seconds = minutes * 60;
        return new Budget(seconds, System.nanoTime(), Math.min(RESERVE_SECONDS, seconds / 4));
    }

    /** @return seconds since the run started */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** @return minutes the autoencoder trains: its share of the time left for training */
    public double autoencoderMinutes() {
        double training = totalSeconds - elapsedSeconds() - reserveSeconds - AUTOENCODER_EVAL_SECONDS;
        return Math.max(MIN_STAGE_MINUTES, training * AUTOENCODER_SHARE / 60);
    }

    /**
     * @param models language models still to train, each for the same time
     * @return minutes each of them trains: the time left before the reserve, shared equally
     */
    public double languageModelMinutes(int models) {
        double training = totalSeconds - elapsedSeconds() - reserveSeconds;
        return Math.max(MIN_STAGE_MINUTES, training / models / 60);
    }

    /** @return one line: the budget and what was spent of it */
    public String describe() {
        double elapsed = elapsedSeconds();
        return String.format(Locale.ROOT, "%.1f of %.1f min (%+.1f%%)", elapsed / 60, totalSeconds / 60,
                100 * (elapsed / totalSeconds - 1));
    }
}
