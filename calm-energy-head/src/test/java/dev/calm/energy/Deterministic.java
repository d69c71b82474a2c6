/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Rng;
import java.util.function.BiFunction;

/**
 * A model's forward pass with a deterministic step: argmax for tokens, zero noise for the energy head. Tests of
 * generation and evaluation compare its outputs exactly (shipped in this module's test jar).
 */
public final class Deterministic extends ForwardingStepModel {

    private final BiFunction<NDArray, Integer, NDArray> step; // (hidden [P, d], n) -> [n, P, K]

    private Deterministic(StepModel inner, BiFunction<NDArray, Integer, NDArray> step) {
        super(inner);
        this.step = step;
    }

    /** @return CALM whose head always gets zero noise */
    public static Deterministic of(Calm calm) {
        EnergyHead head = (EnergyHead) calm.head();
        return new Deterministic(calm, (h, n) -> {
            long p = h.getShape().get(0);
            NDArray noise = h.getManager().zeros(new Shape(n, p, head.config().noiseSize()));
            return calm.decode(head.forward(noise, h)).reshape(n, p, calm.patchSize());
        });
    }

    /** @return the token baseline sampled by argmax */
    public static Deterministic of(TokenBaseline model) {
        return new Deterministic(model, (h, n) -> model.logits(h).argMax(-1).toType(DataType.INT64, false)
                .expandDims(0).expandDims(2).repeat(0, n));
    }

    @Override
    public NDArray sample(NDArray hidden, int n, Rng rng) {
        return step.apply(hidden, n);
    }
}
