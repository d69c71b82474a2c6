/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import java.io.Console;
import java.lang.reflect.Method;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar with elapsed time and an ETA for a task of known size that is not a training run (an
 * evaluation, a generation sweep), drawn on standard error. Like the trainer's bar it is drawn only when a person
 * watches: without a terminal (a file, a pipe, a test) it does nothing.
 */
public final class TaskProgress implements AutoCloseable {

    private final ProgressBar bar;

    private TaskProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param task the name shown before the bar
     * @param total units of work in the task
     * @param unit the name of one unit, for example "blocks"
     * @return a bar, inactive without a terminal
     */
    public static TaskProgress open(String task, long total, String unit) {
        if (!interactive()) {
            return new TaskProgress(null);
        }
        return new TaskProgress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build());
    }

    /** @param units units of work just done */
    public void stepBy(long units) {
        if (bar != null) {
            bar.stepBy(units);
        }
    }

    /** @param message a short note shown after the bar, for example the latest value */
    public void message(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * Whether a person watches the output: a console is attached and, on Java 22 and later (where
     * {@code System.console()} is never null), it is a terminal.
     *
     * @return true when progress bars are drawn
     */
    public static boolean interactive() {
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
}
