/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.training.StepMetrics;
import dev.calm.training.TrainResult;
import dev.calm.training.TrainingContext;
import dev.calm.training.TrainingHook;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ctrl-C during training: the JVM's shutdown hook asks the running {@link dev.calm.training.Trainer} to stop after
 * its current step, waits (at most {@value #GRACE_SECONDS} s) until it has saved a checkpoint, and prints where it
 * is; the stage does not mark itself complete, so that running the same command again resumes from that
 * checkpoint. Outside training nothing needs saving: every file is written atomically, and a stage that did
 * not finish is redone.
 */
final class Interruption implements TrainingHook, AutoCloseable {

    /** Longest wait for the checkpoint before the JVM exits anyway. */
    private static final int GRACE_SECONDS = 60;

    private final Thread shutdownHook;
    private final CountDownLatch saved = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile String outcome = "interrupted before the checkpoint was saved";

    private Interruption() {
        this.shutdownHook = new Thread(() -> {
            requested = true;
            try {
                saved.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.err.println("calm: " + outcome);
            System.err.flush();
        }, "calm-interrupt");
    }

    /**
     * Watches for Ctrl-C until closed. Add it to the trainer as a hook, and close it once the trainer returned.
     *
     * @return a watch for one training run
     */
    static Interruption watch() {
        Interruption watch = new Interruption();
        Runtime.getRuntime().addShutdownHook(watch.shutdownHook);
        return watch;
    }

    @Override
    public void onStep(StepMetrics m, TrainingContext context) {
        if (requested) {
            context.requestStop("interrupted (Ctrl-C)");
        }
    }

    /**
     * Returns when the trainer finished its run; when Ctrl-C stopped it, lets the JVM exit, which it is doing:
     * this thread then waits for the end instead of going on to the next stage, whose outputs would be
     * half-written.
     *
     * @param result what the trainer returned
     * @param dir the stage's run directory
     */
    void checkCompleted(TrainResult result, Path dir) {
        if (result.stopReason() != TrainResult.StopReason.STOP_REQUESTED) {
            return;
        }
        outcome = "interrupted at step " + result.steps() + "; checkpoint saved in " + dir.resolve("checkpoints")
                + ": run the same command again to resume";
        saved.countDown();
        while (true) {
            LockSupport.park(this);
        }
    }

    /** Lets the JVM exit if it is shutting down (the checkpoint is saved); otherwise stops watching. */
    @Override
    public void close() {
        saved.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that the latch is open
        }
    }
}
