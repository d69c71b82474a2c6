/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.io.DType;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;
import dev.calm.core.llama.Transformer;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.SavesPretrained;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Continuous Autoregressive Language Model (paper, section 3), the reference's {@code EnergyTransformer}:
 * the tokens of each chunk of K are compressed into one backbone input ({@code embed_proj}), the Llama
 * backbone ({@code transformer}) runs over chunks, and a {@link GenerativeHead} ({@code mlp_generator} for the
 * energy head) predicts the latent vector of the next chunk, which the frozen {@link Autoencoder} decodes into
 * K tokens. The backbone reads tokens, never vectors: a generated vector is decoded before it is fed back.
 *
 * <p>The autoencoder is not a child module: it is trained first, frozen here, and saved apart, so a CALM
 * checkpoint holds {@code transformer.*}, {@code embed_proj.*} and the head's parameters.
 *
 * <pre>{@code
 * Calm calm = new Calm(CalmConfig.small(vocab), autoencoder);   // autoencoder trained and loaded
 * calm.initialize(manager, rng);
 * TrainingLoss l = calm.trainingLoss(tokens, rng);          // tokens [B, T], T a multiple of K
 * }</pre>
 */
public class Calm extends Module implements StepModel, SavesPretrained {

    /** The name of the auxiliary token head's parameters ({@code aux_head.*}), present when the config asks for it. */
    public static final String AUX_HEAD = "aux_head";

    private final CalmConfig config;
    private final Autoencoder autoencoder;
    private final Transformer transformer;
    private final InputCompression embedProj;
    private final GenerativeHead head;
    private final AuxiliaryTokenHead auxHead; // null unless config.auxTokenHead()

    /**
     * A CALM with the generative head its config names: the paper's energy head unless {@code head_type} says
     * otherwise.
     *
     * @param config the model's shape
     * @param autoencoder an initialised or loaded autoencoder with the same vocabulary, K and l; it is frozen
     */
    public Calm(CalmConfig config, Autoencoder autoencoder) {
        this(config, config.newHead(config.backbone().hiddenSize()), autoencoder);
    }

    /**
     * A CALM with any generative head.
     *
     * @param config the model's shape ({@link CalmConfig#head} is ignored unless the head reads it)
     * @param head the generative head
     * @param autoencoder an initialised or loaded autoencoder with the same vocabulary, K and l; it is frozen
     */
    public Calm(CalmConfig config, GenerativeHead head, Autoencoder autoencoder) {
        config.checkCompatible(autoencoder.config());
        if (!autoencoder.namedParameters().values().stream().allMatch(Parameter::isInitialized)) {
            throw new CalmException("the autoencoder must be trained or loaded before it is given to a CALM");
        }
        this.config = config;
        this.autoencoder = autoencoder;
        autoencoder.setTrainable(false);
        this.transformer = child("transformer", new Transformer(config.backbone()));
        this.embedProj = child("embed_proj", new InputCompression(config.patchSize(), config.backbone().hiddenSize()));
        this.head = child(head.parameterPrefix(), head);
        this.auxHead = config.auxTokenHead()
                ? child(AUX_HEAD, new AuxiliaryTokenHead(config.patchSize(), config.backbone().hiddenSize()))
                : null;
    }

    /**
     * Loads a saved CALM with its autoencoder: the reference implementation's directory (its flat
     * {@code config.json} and {@code pytorch_model.bin}, {@code model.safetensors} or shards, F32, F16 or BF16, with
     * the autoencoder inside under {@code ae_model.*} or in a sibling directory) or this library's.
     *
     * @param dir the CALM's directory
     * @param manager the owner of the weights
     * @return the CALM
     * @throws CalmException if a file is missing or malformed, the autoencoder is not found or does not fit, or a
     *     tensor disagrees with the config (each named)
     * @see PretrainedCalm
     */
    public static Calm fromPretrained(Path dir, NDManager manager) {
        return PretrainedCalm.load(dir, null, manager);
    }

    /**
     * Loads a saved CALM, with its autoencoder in {@code autoencoderDir} unless the CALM's weights hold it or a
     * sibling directory does ({@link PretrainedCalm} has the order).
     *
     * @param dir the CALM's directory
     * @param autoencoderDir the autoencoder's directory
     * @param manager the owner of the weights
     * @return the CALM
     */
    public static Calm fromPretrained(Path dir, Path autoencoderDir, NDManager manager) {
        return PretrainedCalm.load(dir, autoencoderDir, manager);
    }

    /**
     * Saves this CALM as a model directory ({@link PretrainedCalm#save} describes both layouts); in the reference's
     * layout its autoencoder is inside, a directory the reference's Python code loads with
     * {@code EnergyTransformer.from_pretrained}.
     *
     * @param dir the directory; created if missing
     * @param layout the reference's or this library's
     * @param floatFormat how the weights are stored: F32, BF16 or F16
     */
    @Override
    public void savePretrained(Path dir, Layout layout, DType floatFormat) {
        PretrainedCalm.save(this, dir, layout, floatFormat);
    }

    /** @return the model's shape: backbone, K, l and energy-head settings */
    public CalmConfig config() {
        return config;
    }

    /** @return the frozen autoencoder, not a child module: neither trained nor saved with this model */
    public Autoencoder autoencoder() {
        return autoencoder;
    }

    /** @return the backbone over chunks, saved under {@code transformer.*} */
    public Transformer transformer() {
        return transformer;
    }

    /** @return the generative head, saved under its {@link GenerativeHead#parameterPrefix()} */
    public GenerativeHead head() {
        return head;
    }

    /** @return K, the tokens per chunk: each autoregressive step predicts one chunk */
    public int patchSize() {
        return config.patchSize();
    }

    /**
     * Runs chunks of tokens through the input compression and the backbone.
     *
     * @param tokens ids, [B, N*K]
     * @param cache the KV cache to read and extend (positions are chunks), or null for a full pass
     * @return hidden states, one per chunk, [B, N, d]
     */
    public NDArray hidden(NDArray tokens, KVCache cache) {
        return hidden(tokens, cache, null);
    }

    @Override
    public NDArray hidden(NDArray tokens, KVCache cache, AttentionLayout layout) {
        Shape s = chunked(tokens, 1);
        int k = config.patchSize();
        NDArray embeddings = transformer.embed(tokens) // [B, N*K, d]
                .reshape(s.get(0), s.get(1) / k, (long) k * config.backbone().hiddenSize()); // [B, N, K*d]
        return transformer.forward(embedProj.forward(embeddings), cache, layout); // [B, N, d]
    }

    @Override
    public int tokensPerStep() {
        return config.patchSize();
    }

    /**
     * Draws next chunks: latent vectors from the generative head, decoded by the frozen autoencoder.
     *
     * @param hidden hidden states, [P, d]
     * @param n samples per state
     * @param rng the source of the head's noise
     * @return token ids, INT64 [n, P, K]
     */
    @Override
    public NDArray sample(NDArray hidden, int n, Rng rng) {
        long positions = hidden.getShape().get(0);
        return decode(head.sample(hidden, n, rng)).reshape(n, positions, config.patchSize()); // [n, P, K]
    }

    /**
     * The training loss of the head: chunk i's hidden state predicts chunk i + 1, whose target is the frozen
     * autoencoder's posterior (the reference's {@code EnergyTransformer.forward}).
     *
     * @param tokens ids, [B, T] with T a multiple of K and at least 2K
     * @param rng the source of the head's noise and target samples
     * @return the scalar loss (mean over the B * (T/K - 1) predicted chunks) and the head's metrics
     */
    public TrainingLoss trainingLoss(NDArray tokens, Rng rng) {
        return trainingLoss(tokens, rng, 0);
    }

    /**
     * The head's training loss plus, when the model has an auxiliary token head, {@code auxWeight} times its
     * cross-entropy on the next chunk's K tokens (logged as {@code aux_ce}). Not in the paper: the auxiliary loss
     * keeps the backbone's state informative about the next tokens while the head is slow to learn (the
     * small-scale study, docs/measured.md); samples still come from the head alone.
     *
     * @param tokens ids, [B, T] with T a multiple of K and at least 2K
     * @param rng the source of the head's noise and target samples
     * @param auxWeight weight of the auxiliary cross-entropy, &gt;= 0 (ignored without an auxiliary head)
     * @return the scalar loss and the head's metrics (and {@code aux_ce})
     */
    public TrainingLoss trainingLoss(NDArray tokens, Rng rng, double auxWeight) {
        Shape s = chunked(tokens, 2);
        int k = config.patchSize();
        long b = s.get(0);
        long positions = b * (s.get(1) / k - 1);
        NDArray inputs = tokens.get(":, :-" + k); // [B, T-K]: chunks 0 .. N-2
        NDArray targets = tokens.get(":, " + k + ":"); // [B, T-K]: chunks 1 .. N-1
        Posterior q = autoencoder.encode(targets); // [B, N-1, l] each, no gradient (frozen)
        Posterior target = new Posterior(q.mean().reshape(positions, -1), q.logStd().reshape(positions, -1));
        NDArray h = hidden(inputs, null).reshape(positions, -1); // [B*(N-1), d]
        TrainingLoss headLoss = head.loss(h, target, rng);
        if (auxHead == null) {
            return headLoss;
        }
        NDArray ce = auxHead.loss(h, transformer.embedTokens(), targets.reshape(positions, k)); // scalar
        Map<String, NDArray> metrics = new LinkedHashMap<>(headLoss.metrics());
        metrics.put("aux_ce", ce);
        return new TrainingLoss(auxWeight == 0 ? headLoss.loss() : headLoss.loss().add(ce.mul(Backend.scalar(ce, auxWeight))),
                metrics);
    }

    /**
     * Anchors the mixture head's first components on the posterior means of given chunks (not in the paper: see
     * {@link MixtureEnergyHead#anchor}), for example the training split's most frequent chunks.
     *
     * @param chunks token ids of A chunks of K tokens each, A at most the head's components
     * @param std the anchored components' standard deviation
     * @throws CalmException if the head is not the mixture head or a chunk is not K tokens
     */
    public void anchorMixture(int[][] chunks, double std) {
        if (!(head instanceof MixtureEnergyHead mixture)) {
            throw new CalmException("anchored components need the mixture head, this CALM has the " + config.headType()
                    + " head");
        }
        int k = config.patchSize();
        int[] flat = new int[chunks.length * k];
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i].length != k) {
                throw new CalmException("anchor chunk " + i + " has " + chunks[i].length + " tokens, not K = " + k);
            }
            System.arraycopy(chunks[i], 0, flat, i * k, k);
        }
        try (Backend.GradScope g = Backend.noGrad();
                NDManager scope = manager().newSubManager()) {
            NDArray tokens = scope.create(flat, new Shape(chunks.length, k)); // [A, K]
            mixture.anchor(autoencoder.encode(tokens).mean().reshape(chunks.length, config.latentSize()), std);
        }
    }

    /**
     * Decodes latent vectors into their most likely tokens with the frozen autoencoder.
     *
     * @param z latent vectors, [B, n, l]
     * @return token ids, INT64 [B, n*K]
     */
    public NDArray decode(NDArray z) {
        return autoencoder.decodeTokens(z);
    }

    /** The backbone's cache; its positions are chunks. */
    @Override
    public KVCache newCache(NDManager manager) {
        return transformer.newCache(manager);
    }

    private Shape chunked(NDArray tokens, int minChunks) {
        Shape s = tokens.getShape();
        int k = config.patchSize();
        if (s.dimension() != 2 || s.get(1) % k != 0 || s.get(1) < (long) minChunks * k) {
            throw new CalmException("CALM needs token ids [batch, T] with T a multiple of K = " + k + " and at least "
                    + minChunks * k + " tokens, got " + s);
        }
        return s;
    }
}
