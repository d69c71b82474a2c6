/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.CalmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The strict, all-or-nothing load of a set of named tensors, shared by {@link dev.calm.core.nn.Module#load} and
 * the optimizer's state: every name and shape is checked against what the target expects before any tensor is
 * read, then every tensor is read, and only then may the caller swap them in, so a failure changes nothing.
 */
public final class StrictLoad {

    private StrictLoad() {}

    /**
     * Checks that the found tensors are exactly the expected ones.
     *
     * @param found shapes by name, as the source holds them
     * @param expected shapes by name, as the target needs them
     * @param source what the tensors come from, for the message (e.g. "checkpoint /runs/x/model.safetensors")
     * @param target what they are loaded into, for the message (e.g. "Transformer")
     * @throws CalmException "{@code <source> does not match <target>: missing [...]; unexpected [...]; wrong shape
     *     [name (expected .., got ..)]}", listing only the kinds of problem there are
     */
    public static void checkNamesAndShapes(Map<String, Shape> found, Map<String, Shape> expected, String source,
            String target) {
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(found.keySet());
        TreeSet<String> unexpected = new TreeSet<>(found.keySet());
        unexpected.removeAll(expected.keySet());
        List<String> wrongShape = new ArrayList<>();
        expected.forEach((name, shape) -> {
            Shape got = found.get(name);
            if (got != null && !got.equals(shape)) {
                wrongShape.add(name + " (expected " + shape + ", got " + got + ")");
            }
        });
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add("missing " + missing);
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected " + unexpected);
        }
        if (!wrongShape.isEmpty()) {
            problems.add("wrong shape " + wrongShape);
        }
        if (!problems.isEmpty()) {
            throw new CalmException(source + " does not match " + target + ": " + String.join("; ", problems));
        }
    }

    /**
     * Checks every name and shape of a checkpoint against the expected ones (as
     * {@link #checkNamesAndShapes}), then reads every tensor.
     *
     * @param reader the checkpoint
     * @param expected shapes by name; the checkpoint must hold exactly these names
     * @param source what the checkpoint is, for the message (e.g. "optimizer state /runs/x/optimizer.safetensors")
     * @param target what it is loaded into, for the message
     * @param staging the manager that owns the arrays read; close it if the caller fails before adopting them
     * @return every expected tensor by name, in the order of {@code expected}
     * @throws CalmException if a name or shape does not match (before anything is read) or a tensor cannot be read
     */
    public static Map<String, NDArray> readAll(CheckpointReader reader, Map<String, Shape> expected, String source,
            String target, NDManager staging) {
        Map<String, Shape> found = new LinkedHashMap<>();
        for (String name : reader.names()) {
            found.put(name, new Shape(reader.spec(name).shape()));
        }
        checkNamesAndShapes(found, expected, source, target);
        Map<String, NDArray> staged = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            staged.put(name, reader.read(name, staging));
        }
        return staged;
    }
}
