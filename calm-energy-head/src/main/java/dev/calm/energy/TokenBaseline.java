/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.CalmException;
import dev.calm.core.io.DType;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Module;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.SavesPretrained;
import java.nio.file.Path;

/**
 * The paper's discrete baseline: the same Llama backbone with a softmax head over the vocabulary, trained with
 * next-token cross-entropy. Parameter names are Hugging Face's {@code LlamaForCausalLM} ({@code model.*},
 * {@code lm_head.weight}, untied), so CALM and the baseline are compared on identical backbone code.
 */
public class TokenBaseline extends Module implements TokenModel, SavesPretrained {

    private final TransformerConfig config;
    private final Transformer model;
    private final Linear lmHead; // [V, d]

    /** @param config the backbone's shape */
    public TokenBaseline(TransformerConfig config) {
        this.config = config;
        this.model = child("model", new Transformer(config));
        this.lmHead = child("lm_head", new Linear(config.hiddenSize(), config.vocabSize(), false));
    }

    /**
     * Loads a saved baseline: a Hugging Face {@code LlamaForCausalLM} directory (the reference's baseline) or this
     * library's.
     *
     * @param dir the model directory
     * @param manager the owner of the weights
     * @return the baseline
     */
    public static TokenBaseline fromPretrained(Path dir, NDManager manager) {
        return PretrainedTokenBaseline.load(dir, manager);
    }

    /**
     * Saves this baseline as a model directory; the reference's layout is a Hugging Face {@code LlamaForCausalLM}
     * directory.
     *
     * @param dir the directory; created if missing
     * @param layout Hugging Face's {@code LlamaForCausalLM} or this library's
     * @param floatFormat how the weights are stored: F32, BF16 or F16
     */
    @Override
    public void savePretrained(Path dir, Layout layout, DType floatFormat) {
        PretrainedTokenBaseline.save(this, dir, layout, floatFormat);
    }

    /** @return the backbone's shape; its {@code vocab_size} is also the width of {@code lm_head} */
    public TransformerConfig config() {
        return config;
    }

    /** @return the backbone, saved under {@code model.*} as in Hugging Face's {@code LlamaForCausalLM} */
    public Transformer transformer() {
        return model;
    }

    /**
     * @param ids token ids, [B, T]
     * @param cache the KV cache to read and extend, or null for a full pass
     * @return next-token logits of every position, [B, T, V]
     */
    public NDArray logits(NDArray ids, KVCache cache) {
        return lmHead.forward(model.forwardTokens(ids, cache));
    }

    @Override
    public NDArray logits(NDArray hidden) {
        return lmHead.forward(hidden); // [..., V]
    }

    @Override
    public NDArray hidden(NDArray ids, KVCache cache, AttentionLayout layout) {
        return model.forwardTokens(ids, cache, layout); // [B, T, d]
    }

    /**
     * Mean next-token cross-entropy: position t predicts token t + 1.
     *
     * @param tokens ids, [B, T] with T >= 2
     * @return a scalar, in nats per token
     */
    public NDArray trainingLoss(NDArray tokens) {
        var s = tokens.getShape();
        if (s.dimension() != 2 || s.get(1) < 2) {
            throw new CalmException("the token baseline needs ids [batch, T] with T >= 2, got " + s);
        }
        return Losses.crossEntropy(logits(tokens.get(":, :-1"), null), tokens.get(":, 1:")); // [B, T-1, V]
    }

    @Override
    public KVCache newCache(NDManager manager) {
        return model.newCache(manager);
    }
}
