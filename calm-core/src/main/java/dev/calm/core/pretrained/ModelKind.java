/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.pretrained;

/**
 * The models a {@code config.json} can describe, recognised in either layout ({@link Layout}): this library's
 * {@code model_type} ({@code autoencoder}, {@code calm}, {@code baseline}) or the reference's fields.
 */
public enum ModelKind {
    /** CALM's K-token autoencoder: the reference's {@code Autoencoder} ({@code num_encoder_layers}, ...). */
    AUTOENCODER("autoencoder"),
    /** A CALM: the reference's {@code EnergyTransformer} ({@code model_type} "energy", {@code ae_path}, ...). */
    CALM("calm"),
    /** The token baseline: a Hugging Face {@code LlamaForCausalLM} ({@code model_type} "llama"). */
    BASELINE("baseline");

    private final String label;

    ModelKind(String label) {
        this.label = label;
    }

    /** @return the name this library writes under {@code model_type}, e.g. {@code calm} */
    public String label() {
        return label;
    }

    /**
     * @param config a model's config
     * @return the model it describes
     * @throws dev.calm.core.CalmException if it describes none of them
     */
    public static ModelKind of(ConfigFields config) {
        String type = config.string("model_type", "");
        if (type.equals("diffusion") || type.equals("flow")) {
            throw config.problem("model_type '" + type + "' is a CALM with a " + type + " head, which this library "
                    + "does not implement (only the energy head, model_type 'energy')");
        }
        if (type.equals("calm") || type.equals("energy") || config.has("backbone") || config.has("ae_path")
                || config.has("num_mlp_layers")) {
            return CALM;
        }
        if (type.equals("autoencoder") || config.has("num_encoder_layers")) {
            return AUTOENCODER;
        }
        if (type.equals("baseline") || type.equals("llama") || config.has("num_hidden_layers")) {
            return BASELINE;
        }
        throw config.problem("not the config of a CALM, an autoencoder or a Llama model"
                + (type.isEmpty() ? "" : " (model_type '" + type + "')"));
    }

    /**
     * @param config a model's config
     * @return the config, if it describes this kind of model
     * @throws dev.calm.core.CalmException naming the kind it describes otherwise
     */
    public ConfigFields expect(ConfigFields config) {
        ModelKind kind = of(config);
        if (kind != this) {
            throw config.problem("is " + (kind == AUTOENCODER ? "an " : "a ") + kind.label + " checkpoint, expected "
                    + (this == AUTOENCODER ? "an " : "a ") + label);
        }
        return config;
    }
}
