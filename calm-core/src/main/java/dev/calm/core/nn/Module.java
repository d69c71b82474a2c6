/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.io.SafeTensorsWriter;
import dev.calm.core.io.StrictLoad;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree of named parameters, as in PyTorch: a module registers its parameters and child modules by name, and
 * {@link #namedParameters()} flattens them to dotted names such as {@code layers.0.self_attn.q_proj.weight},
 * the names checkpoints use. Forward passes are plain methods of the subclasses.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<NDArray> buffers = new ArrayList<>();
    private NDManager manager;

    /**
     * Registers a parameter.
     *
     * @param name its local name, e.g. "weight"
     * @param shape its shape
     * @param init its initialiser
     * @param decay whether weight decay applies to it
     * @return the parameter, without values until {@link #initialize} or {@link #load(Path, NDManager)}
     * @throws IllegalArgumentException if this module already has a parameter or child of that name
     */
    protected final Parameter parameter(String name, Shape shape, Init init, boolean decay) {
        Parameter p = new Parameter(shape, init, decay);
        if (parameters.putIfAbsent(name, p) != null || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        return p;
    }

    /**
     * Registers a child module.
     *
     * @param name its local name, e.g. "self_attn" or "layers.3"
     * @param module the child
     * @param <M> its type
     * @return the child, whose parameters are named {@code name.<its names>}
     * @throws IllegalArgumentException if this module already has a parameter or child of that name
     */
    protected final <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null || parameters.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        return module;
    }

    /** @return every parameter of this module and its children, by dotted name, in registration order */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        children.forEach((name, m) -> m.collect(prefix + name + ".", out));
    }

    /** @return the number of scalar parameters */
    public final long numParameters() {
        return namedParameters().values().stream().mapToLong(p -> p.shape().size()).sum();
    }

    /**
     * Allocates every parameter in {@code manager} and draws its initial values, in registration order, so the
     * same seed gives the same weights.
     *
     * @param manager the owner and device of the parameters; it must outlive the module's use
     * @param rng the source of randomness
     */
    public final void initialize(NDManager manager, Rng rng) {
        for (Parameter p : namedParameters().values()) {
            p.initialize(manager, rng);
        }
        allocateAllBuffers(manager);
    }

    /**
     * The manager of this module's parameters: the one given to the last {@link #initialize} or {@code load} of
     * this module or of a module it is a child of. Code that needs "the manager of the parameters" asks the module
     * instead of taking it as a parameter.
     *
     * @return the owner and device of the parameters
     * @throws IllegalStateException if the module has not been initialised or loaded yet
     */
    public final NDManager manager() {
        if (manager == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no parameters yet: initialize or load"
                    + " it first");
        }
        return manager;
    }

    /**
     * Allocates this module's non-trainable tensors (tables, constants) in the manager of its parameters
     * ({@link #manager()}), each registered through {@link #buffer}. Called after {@link #initialize} and
     * {@link #load}, once the previous buffers are closed; the default has none. Per-step code then reads them
     * instead of creating them from Java arrays on every call.
     */
    protected void allocateBuffers() {}

    /**
     * Registers a buffer, so that it is freed when the buffers are allocated again.
     *
     * @param array a tensor created in {@link #manager()}
     * @return the same tensor
     */
    protected final NDArray buffer(NDArray array) {
        buffers.add(array);
        return array;
    }

    /**
     * Stores parameters in one buffer, one after the other along their first axis, and makes each of them a view
     * of its rows: names, shapes and values stay as they were (a checkpoint still holds the separate tensors, and
     * training still updates each one in place, which shows in the buffer), while one matmul with the buffer
     * computes every part at once, as the inference paths do with q/k/v and gate/up. Call it from
     * {@link #allocateBuffers}, so that it runs again after every initialisation and load.
     *
     * @param parts parameters whose shapes agree but along the first axis
     * @return the buffer, {@code [sum of the parts' first axes, ...]}, owned by {@link #manager()} and registered
     *     as a buffer of this module
     */
    protected final NDArray fuseRows(Parameter... parts) {
        NDManager manager = manager();
        NDArray[] arrays = new NDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            arrays[i] = parts[i].array();
        }
        try (Backend.GradScope g = Backend.noGrad()) { // the buffer is a plain copy of the values, not a graph node
            NDArray fused = buffer(NDArrays.concat(new NDList(arrays), 0)); // [sum of rows, ...]
            fused.attach(manager);
            long from = 0;
            for (Parameter p : parts) {
                long rows = p.shape().get(0);
                p.rebase(Backend.narrow(fused, 0, from, from + rows, manager));
                from += rows;
            }
            return fused;
        }
    }

    private void allocateAllBuffers(NDManager manager) {
        this.manager = manager;
        buffers.forEach(NDArray::close);
        buffers.clear();
        allocateBuffers();
        children.values().forEach(c -> c.allocateAllBuffers(manager));
    }

    /**
     * Loads every parameter from a state dict, such as the tensors of a safetensors checkpoint. It is strict:
     * a missing name, an unexpected name or a wrong shape fails before anything is changed, and the message
     * lists the names.
     *
     * @param tensors the values by dotted name
     * @param manager the owner and device of the loaded parameters
     * @throws dev.calm.core.CalmException listing the missing, unexpected and wrongly shaped names
     */
    public final void load(Map<String, NDArray> tensors, NDManager manager) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        tensors.forEach((name, t) -> shapes.put(name, t.getShape()));
        StrictLoad.checkNamesAndShapes(shapes, parameterShapes(), "state dict", getClass().getSimpleName());
        namedParameters().forEach((name, p) -> p.load(tensors.get(name), manager, name));
        allocateAllBuffers(manager);
    }

    /**
     * Loads every parameter from a safetensors file after checking every name and shape against the file's
     * header (strict, as {@link #load(Map, NDManager)}), and only once every tensor has been read, so a failure
     * leaves the module as it was. BF16 and F16 tensors are widened to FP32 in Java.
     *
     * @param file a safetensors checkpoint
     * @param manager the owner and device of the loaded parameters
     * @throws dev.calm.core.CalmException if the file cannot be read, or listing the missing, unexpected and
     *     wrongly shaped names
     */
    public final void load(Path file, NDManager manager) {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            load(reader, manager);
        }
    }

    /**
     * Loads every parameter from a checkpoint of any format ({@link dev.calm.core.io.Checkpoints}), strictly:
     * every name and shape is checked against the checkpoint's specs before any tensor is read, and the
     * parameters change only once every tensor has been read.
     *
     * @param reader the checkpoint; its names must be exactly this module's parameter names
     * @param manager the owner and device of the loaded parameters
     * @throws dev.calm.core.CalmException naming the checkpoint and listing the missing, unexpected and wrongly
     *     shaped names, or if a tensor cannot be read
     */
    public final void load(CheckpointReader reader, NDManager manager) {
        try (NDManager staging = manager.newSubManager()) {
            Map<String, NDArray> staged = StrictLoad.readAll(reader, parameterShapes(), "checkpoint " + reader.source(),
                    getClass().getSimpleName(), staging);
            namedParameters().forEach((name, p) -> p.adopt(staged.get(name), manager));
        }
        allocateAllBuffers(manager);
    }

    /**
     * Saves every parameter to a safetensors file, atomically (a crash mid-save leaves any earlier file intact).
     *
     * @param file the target
     * @param floatFormat F32, or BF16 / F16 to halve the file (rounded to nearest even in Java)
     */
    public final void save(Path file, DType floatFormat) {
        SafeTensorsWriter.write(file, stateDict(), Map.of("format", "pt"), floatFormat);
    }

    /** @return every parameter's shape by dotted name: what a checkpoint must hold exactly */
    private Map<String, Shape> parameterShapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> shapes.put(name, p.shape()));
        return shapes;
    }

    /** @return the current values by dotted name (the arrays themselves, not copies) */
    public final Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> out.put(name, p.array()));
        return out;
    }

    /**
     * Turns gradient tracking on or off for every parameter, e.g. to freeze the autoencoder.
     *
     * @param trainable whether the parameters receive gradients
     */
    public final void setTrainable(boolean trainable) {
        namedParameters().values().forEach(p -> p.setTrainable(trainable));
    }
}
