/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console progress bar: the share of the run done (of its steps, or of its time budget when that ends it
 * sooner), the step, the current loss and tokens/s, elapsed time and an ETA, drawn on
 * standard error. It is shown only when asked for and a console is attached: when output goes to a file or a
 * pipe, the library would write a line per refresh, so the metrics log lines are the only output then.
 */
final class ProgressDisplay implements AutoCloseable {

    /** Resolution of the bar: it counts thousandths of the run. */
    private static final int PER_MILLE = 1000;

    private final ProgressBar bar;
    private final long maxSteps;
    private final Double maxMinutes;

    private ProgressDisplay(ProgressBar bar, long maxSteps, Double maxMinutes) {
        this.bar = bar;
        this.maxSteps = maxSteps;
        this.maxMinutes = maxMinutes;
    }

    /**
     * @param enabled the config's progress_bar
     * @param start the step the run starts (or resumes) from
     * @param maxSteps the last step
     * @param maxMinutes the session's time budget, or null
     * @return a display, inactive when disabled or without a console
     */
    static ProgressDisplay open(boolean enabled, long start, long maxSteps, Double maxMinutes) {
        if (!enabled || !TaskProgress.interactive()) {
            return new ProgressDisplay(null, maxSteps, maxMinutes);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(PER_MILLE)
                .setUnit("%", PER_MILLE / 100)
                .startsFrom(fraction(start, 0, maxSteps, maxMinutes), Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new ProgressDisplay(bar, maxSteps, maxMinutes);
    }

    /** Thousandths of the run done: of the steps or of the time budget, whichever ends it sooner. */
    private static long fraction(long step, double sessionSeconds, long maxSteps, Double maxMinutes) {
        double done = (double) step / maxSteps;
        if (maxMinutes != null) {
            done = Math.max(done, sessionSeconds / (60 * maxMinutes));
        }
        return Math.round(PER_MILLE * Math.min(1, done));
    }

    /** @return whether a bar is drawn */
    boolean active() {
        return bar != null;
    }

    /**
     * @param step steps done
     * @param sessionSeconds time spent in this session (the budget's clock)
     * @param loss the latest loss
     * @param tokensPerSecond the latest throughput
     */
    void update(long step, double sessionSeconds, double loss, double tokensPerSecond) {
        if (bar != null) {
            bar.setExtraMessage(String.format("step %d, loss %.4f, %.0f tok/s", step, loss, tokensPerSecond));
            bar.stepTo(fraction(step, sessionSeconds, maxSteps, maxMinutes));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
