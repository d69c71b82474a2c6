/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.config.Checks;
import dev.calm.core.llama.TransformerConfig;
import java.util.List;
import java.util.Objects;

/**
 * Shape of a CALM (paper, section 3): the Llama backbone, the chunk size K and latent size l it shares with its
 * autoencoder, and the energy head. JSON field names follow the reference's {@code CALMConfig}.
 *
 * @param backbone the Transformer over chunks (its vocabulary is the autoencoder's)
 * @param patchSize K, tokens per chunk and per autoregressive step
 * @param latentSize l, the size of the predicted vectors
 * @param head the energy head and its loss
 * @param auxTokenHead whether the model has an auxiliary multi-token softmax on its backbone for an auxiliary
 *     cross-entropy during training ({@code aux_head.*}; not in the paper, see {@link Calm#trainingLoss(
 *     ai.djl.ndarray.NDArray, dev.calm.core.Rng, double)}); configs written before it read as false
 * @param headType which generative head {@link Calm#Calm(CalmConfig, dev.calm.autoencoder.Autoencoder)} builds:
 *     {@value #ENERGY} (the paper's, configured by {@code head}), {@value #MIXTURE} (a {@link MixtureEnergyHead},
 *     configured by {@code mixture_head}), {@value #FLOW} (a {@link FlowMatchingHead}, configured by {@code
 *     flow_head}) or {@value #DIFFUSION} (a {@link DiffusionHead}, configured by {@code diffusion_head}); configs
 *     written before it read as {@value #ENERGY}
 * @param mixtureHead the mixture head's config when {@code head_type} is {@value #MIXTURE}, else null
 * @param flowHead the flow head's config when {@code head_type} is {@value #FLOW}, else null
 * @param diffusionHead the diffusion head's config when {@code head_type} is {@value #DIFFUSION}, else null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CalmConfig(TransformerConfig backbone, int patchSize, int latentSize, EnergyHeadConfig head,
        @JsonProperty(defaultValue = "false") boolean auxTokenHead,
        @JsonProperty(defaultValue = "\"" + CalmConfig.ENERGY + "\"") String headType,
        @JsonProperty(defaultValue = "null") MixtureHeadConfig mixtureHead,
        @JsonProperty(defaultValue = "null") FlowHeadConfig flowHead,
        @JsonProperty(defaultValue = "null") DiffusionHeadConfig diffusionHead) {

    /** The paper's energy head, {@link EnergyHead}. */
    public static final String ENERGY = "energy";
    /** The mixture head of the small-scale study, {@link MixtureEnergyHead}. */
    public static final String MIXTURE = "mixture";
    /** The flow-matching head of the paper's comparison, {@link FlowMatchingHead}. */
    public static final String FLOW = "flow";
    /** The diffusion head of the paper's comparison, {@link DiffusionHead}. */
    public static final String DIFFUSION = "diffusion";
    /** Every head type, in the order of the paper's comparison and then the study's. */
    public static final List<String> HEAD_TYPES = List.of(ENERGY, FLOW, DIFFUSION, MIXTURE);

    /**
     * Validates every field; messages use the JSON names. That K and l match the autoencoder is checked
     * when the {@link Calm} is built.
     *
     * @param backbone not null
     * @param patchSize K &gt; 0
     * @param latentSize l &gt; 0
     * @param head not null
     * @param auxTokenHead whether there is an auxiliary token head
     * @param headType one of {@link #HEAD_TYPES}
     * @param mixtureHead not null when the head type is {@value #MIXTURE}
     * @param flowHead not null when the head type is {@value #FLOW}
     * @param diffusionHead not null when the head type is {@value #DIFFUSION}
     * @throws NullPointerException if backbone or head is null
     * @throws dev.calm.core.CalmException if K or l is not positive
     */
    public CalmConfig {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(head, "head");
        Checks.positive("patch_size", patchSize);
        Checks.positive("latent_size", latentSize);
        Checks.check(HEAD_TYPES.contains(headType),
                "head_type must be " + String.join(", ", HEAD_TYPES) + ", got " + headType);
        Checks.check(!MIXTURE.equals(headType) || mixtureHead != null,
                "head_type " + MIXTURE + " needs a mixture_head config");
        Checks.check(!FLOW.equals(headType) || flowHead != null, "head_type " + FLOW + " needs a flow_head config");
        Checks.check(!DIFFUSION.equals(headType) || diffusionHead != null,
                "head_type " + DIFFUSION + " needs a diffusion_head config");
    }

    /**
     * The paper's CALM, without an auxiliary token head.
     *
     * @param backbone not null
     * @param patchSize K &gt; 0
     * @param latentSize l &gt; 0
     * @param head not null
     */
    public CalmConfig(TransformerConfig backbone, int patchSize, int latentSize, EnergyHeadConfig head) {
        this(backbone, patchSize, latentSize, head, false, ENERGY, null, null, null);
    }

    /**
     * The paper's CALM-M: d 1024, intermediate 2752, 16 layers, 16 heads, 4 head blocks, K 4, l 128.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static CalmConfig calmM(int vocabSize) {
        return new CalmConfig(TransformerConfig.calmM(vocabSize), 4, 128, EnergyHeadConfig.paper());
    }

    /**
     * The quickstart's CPU CALM: the {@link TransformerConfig#small} backbone (d 256, 4 layers), K 4, l 128,
     * one head block.
     *
     * @param vocabSize number of token ids
     * @return the config
     */
    public static CalmConfig small(int vocabSize) {
        return new CalmConfig(TransformerConfig.small(vocabSize), 4, 128, new EnergyHeadConfig(64, 1, 8, 100, 1.0));
    }

    /**
     * A test-sized CALM: the {@link TransformerConfig#tiny} backbone (d 64, 2 layers), one head block.
     *
     * @param vocabSize number of token ids
     * @param patchSize K
     * @param latentSize l
     * @return the config
     */
    public static CalmConfig tiny(int vocabSize, int patchSize, int latentSize) {
        return new CalmConfig(TransformerConfig.tiny(vocabSize), patchSize, latentSize,
                new EnergyHeadConfig(16, 1, 8, 100, 1.0));
    }

    /**
     * @param head another head config
     * @return this config with its head replaced
     */
    public CalmConfig withHead(EnergyHeadConfig head) {
        return new CalmConfig(backbone, patchSize, latentSize, head, auxTokenHead, headType, mixtureHead, flowHead,
                diffusionHead);
    }

    /**
     * @param backbone another backbone
     * @return this config with its backbone replaced: {@code CalmConfig.calmM(vocab).withBackbone(TransformerConfig
     *     .calmM(vocab).toBuilder().hiddenSize(1536).intermediateSize(4096).numAttentionHeads(12)
     *     .numKeyValueHeads(12).build())} is CALM-L's shape
     */
    public CalmConfig withBackbone(TransformerConfig backbone) {
        return new CalmConfig(backbone, patchSize, latentSize, head, auxTokenHead, headType, mixtureHead, flowHead,
                diffusionHead);
    }

    /**
     * @param k K, tokens per chunk (the autoencoder's)
     * @param l the latent size (the autoencoder's)
     * @return this config with {@code patch_size} and {@code latent_size} replaced
     */
    public CalmConfig withChunking(int k, int l) {
        return new CalmConfig(backbone, k, l, head, auxTokenHead, headType, mixtureHead, flowHead, diffusionHead);
    }

    /**
     * @param enabled whether the model gets an auxiliary token head
     * @return this config with {@code aux_token_head} replaced
     */
    public CalmConfig withAuxTokenHead(boolean enabled) {
        return new CalmConfig(backbone, patchSize, latentSize, head, enabled, headType, mixtureHead, flowHead,
                diffusionHead);
    }

    /**
     * @param mixture the mixture head's config
     * @return this config with a {@link MixtureEnergyHead} as its generative head
     */
    public CalmConfig withMixtureHead(MixtureHeadConfig mixture) {
        return new CalmConfig(backbone, patchSize, latentSize, head, auxTokenHead, MIXTURE, mixture, null, null);
    }

    /**
     * @param flow the flow head's config
     * @return this config with a {@link FlowMatchingHead} as its generative head
     */
    public CalmConfig withFlowHead(FlowHeadConfig flow) {
        return new CalmConfig(backbone, patchSize, latentSize, head, auxTokenHead, FLOW, null, flow, null);
    }

    /**
     * @param diffusion the diffusion head's config
     * @return this config with a {@link DiffusionHead} as its generative head
     */
    public CalmConfig withDiffusionHead(DiffusionHeadConfig diffusion) {
        return new CalmConfig(backbone, patchSize, latentSize, head, auxTokenHead, DIFFUSION, null, null, diffusion);
    }

    /** @return this config with the paper's {@link EnergyHead} (configured by {@code head}) as its generative head */
    public CalmConfig withEnergyHead() {
        return new CalmConfig(backbone, patchSize, latentSize, head, auxTokenHead, ENERGY, null, null, null);
    }

    /**
     * @param hiddenSize the backbone's d
     * @return a new generative head of this config's type
     */
    GenerativeHead newHead(int hiddenSize) {
        return switch (headType) {
            case MIXTURE -> new MixtureEnergyHead(mixtureHead, hiddenSize, latentSize);
            case FLOW -> new FlowMatchingHead(flowHead, hiddenSize, latentSize);
            case DIFFUSION -> new DiffusionHead(diffusionHead, hiddenSize, latentSize);
            default -> new EnergyHead(head, hiddenSize, latentSize);
        };
    }

    /**
     * Checks that an autoencoder fits this model: same vocabulary, K and l.
     *
     * @param ae the autoencoder's config
     */
    public void checkCompatible(AutoencoderConfig ae) {
        Checks.check(ae.vocabSize() == backbone.vocabSize() && ae.patchSize() == patchSize
                        && ae.latentSize() == latentSize,
                "the autoencoder (vocab_size " + ae.vocabSize() + ", patch_size " + ae.patchSize() + ", latent_size "
                        + ae.latentSize() + ") does not fit this CALM (vocab_size " + backbone.vocabSize()
                        + ", patch_size " + patchSize + ", latent_size " + latentSize + ")");
    }
}
