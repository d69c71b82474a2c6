/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import java.io.Console;
import java.lang.reflect.Method;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console progress bar: step / max, the current loss and tokens/s, elapsed time and an ETA, drawn on
 * standard error. It is shown only when asked for and a console is attached: when output goes to a file or a
 * pipe, the library would write a line per refresh, so the metrics log lines are the only output then.
 */
final class ProgressDisplay implements AutoCloseable {

    private final ProgressBar bar;

    private ProgressDisplay(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param enabled the config's progress_bar
     * @param start the step the run starts (or resumes) from
     * @param max the last step
     * @return a display, inactive when disabled or without a console
     */
    static ProgressDisplay open(boolean enabled, long start, long max) {
        if (!enabled || !interactive()) {
            return new ProgressDisplay(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(max)
                .startsFrom(start, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new ProgressDisplay(bar);
    }

    /**
     * Whether a person watches the output: a console is attached and, on Java 22 and later (where
     * {@code System.console()} is never null), it is a terminal.
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 17-21: a console exists only for a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** @return whether a bar is drawn */
    boolean active() {
        return bar != null;
    }

    /**
     * @param step steps done
     * @param loss the latest loss
     * @param tokensPerSecond the latest throughput
     */
    void update(long step, double loss, double tokensPerSecond) {
        if (bar != null) {
            bar.setExtraMessage(String.format("loss %.4f, %.0f tok/s", loss, tokensPerSecond));
            bar.stepTo(step);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
