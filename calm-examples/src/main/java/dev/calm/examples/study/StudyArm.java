/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.study;

import java.util.Objects;

/**
 * One arm of an ablation: an autoencoder and a CALM trained on it. Arms with equal autoencoder recipes share
 * one trained autoencoder within a {@link Study}.
 *
 * @param name the arm's name in reports
 * @param autoencoder how the autoencoder is trained
 * @param calm how the CALM is trained
 */
public record StudyArm(String name, AutoencoderRecipe autoencoder, CalmRecipe calm) {

    /**
     * @param name not blank
     * @param autoencoder not null
     * @param calm not null
     */
    public StudyArm {
        Objects.requireNonNull(autoencoder, "autoencoder");
        Objects.requireNonNull(calm, "calm");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a study arm needs a name");
        }
    }
}
