/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory discipline of one training or inference step: a sub-manager that owns every intermediate, with
 * the modules' parameters temporarily attached so that results computed from them (gradient views included)
 * are freed when the step closes. The parameters themselves go back to their own manager.
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *     try (StepScope scope = StepScope.open(root, model)) {
 *         NDArray batch = scope.manager().create(...);
 *         ...
 *     } // everything the step created is freed here; native memory stays flat
 * }
 * }</pre>
 *
 * <p>The library's own forward passes always take an activation as the first operand of an op (DJL puts a result
 * in its first operand's manager), so inference with them needs no attached modules: {@code StepScope.open(root)}
 * skips the attach/detach cost per step. Training attaches the modules, since gradient views are created in the
 * parameters' manager.
 */
public final class StepScope implements AutoCloseable {

    private final NDManager manager;

    private StepScope(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Opens a step.
     *
     * @param parent the manager the step's manager is created under
     * @param modules the modules whose parameters the step uses
     * @return the open step
     */
    public static StepScope open(NDManager parent, Module... modules) {
        NDManager manager = parent.newSubManager();
        List<NDArray> arrays = new ArrayList<>();
        for (Module module : modules) {
            for (Parameter p : module.namedParameters().values()) {
                arrays.add(p.array());
            }
        }
        manager.tempAttachAll(arrays.toArray(new NDArray[0]));
        return new StepScope(manager);
    }

    /** @return the manager that owns this step's tensors */
    public NDManager manager() {
        return manager;
    }

    /** Frees every tensor the step created and hands the parameters back. */
    @Override
    public void close() {
        manager.close();
    }
}
