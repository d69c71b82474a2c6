/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.config.Json;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.DType;
import dev.calm.core.io.MappedCheckpoint;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.pretrained.ConfigFields;
import dev.calm.core.pretrained.HfLlamaConfig;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.ModelDirectory;
import dev.calm.core.pretrained.ModelKind;
import java.nio.file.Path;

/**
 * Token-baseline directories in and out: a Hugging Face {@code LlamaForCausalLM} directory (the reference's
 * baseline, {@code model.*} and {@code lm_head.weight}; an LM head tied to the embedding is read from the
 * embedding) or this library's layout ({@link Layout}).
 */
public final class PretrainedTokenBaseline {

    private static final String EMBEDDING = "model.embed_tokens.weight";
    private static final String LM_HEAD = "lm_head.weight";

    private PretrainedTokenBaseline() {}

    /**
     * @param f a baseline's config.json, in either layout
     * @return the backbone's config
     */
    public static TransformerConfig config(ConfigFields f) {
        ModelKind.BASELINE.expect(f);
        if (ModelDirectory.layout(f, ModelKind.BASELINE, TransformerConfig.class) == Layout.LIBRARY) {
            return ModelDirectory.readLibrary(f, TransformerConfig.class);
        }
        String type = f.string("model_type", "llama");
        if (!type.equals("llama")) {
            throw f.problem("model_type '" + type + "' is not a Llama model");
        }
        return HfLlamaConfig.fromHf(f, HfLlamaConfig.LLAMA_DEFAULTS);
    }

    /**
     * @param dir the model directory
     * @param manager the owner of the weights
     * @return the baseline, its weights loaded
     * @throws dev.calm.core.CalmException if a file is missing or malformed or the weights disagree with the
     *     config, naming each disagreeing tensor
     */
    public static TokenBaseline load(Path dir, NDManager manager) {
        ConfigFields f = ModelDirectory.config(dir);
        TokenBaseline baseline = new TokenBaseline(config(f));
        boolean tied = f.bool("tie_word_embeddings", false);
        try (CheckpointReader reader = Checkpoints.open(dir)) {
            MappedCheckpoint weights = MappedCheckpoint.of(reader, n -> n.endsWith("rotary_emb.inv_freq") ? null : n);
            baseline.load(tied ? weights.withAlias(LM_HEAD, EMBEDDING) : weights, manager);
        }
        return baseline;
    }

    /**
     * The one mapping from the backbone's config to a {@code LlamaForCausalLM} config.json.
     *
     * @param c the config
     * @param floatFormat how the weights beside it are stored
     * @return the fields
     */
    static ObjectNode toReference(TransformerConfig c, DType floatFormat) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putArray("architectures").add("LlamaForCausalLM");
        node.put("model_type", "llama");
        node.setAll(HfLlamaConfig.toHf(c));
        node.put("torch_dtype", ModelDirectory.torchDtype(floatFormat));
        return node;
    }

    /**
     * @param baseline the model
     * @param dir the directory; created if missing, its files replaced
     * @param layout Hugging Face's {@code LlamaForCausalLM} (the default) or this library's
     * @param floatFormat how float tensors are stored: F32, BF16 or F16
     */
    public static void save(TokenBaseline baseline, Path dir, Layout layout, DType floatFormat) {
        ObjectNode config = layout == Layout.REFERENCE ? toReference(baseline.config(), floatFormat)
                : ModelDirectory.libraryConfig(ModelKind.BASELINE, baseline.config());
        ModelDirectory.write(dir, config, baseline.stateDict(), floatFormat);
    }
}
