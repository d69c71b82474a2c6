/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.DType;
import dev.calm.core.io.MappedCheckpoint;
import dev.calm.core.pretrained.ConfigFields;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.ModelDirectory;
import dev.calm.core.pretrained.ModelKind;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Autoencoder directories in and out, in the reference implementation's layout or this library's
 * ({@link Layout}): {@code config.json} beside {@code model.safetensors}, shards with an index, or a
 * {@code pytorch_model.bin}. The reference registers the tied output matrix a second time as
 * {@code decoder.lm_head_weight}; a file may hold it, the embedding, or both (then equal).
 */
public final class PretrainedAutoencoder {

    /** The reference's second name of the tied output matrix. */
    static final String LM_HEAD_ALIAS = "decoder.lm_head_weight";
    /** The parameter it aliases. */
    static final String EMBEDDING = "encoder.embed_tokens.weight";

    private static final Pattern LAYER = Pattern.compile("(encoder\\.encoder_layers|decoder\\.decoder_layers)\\.(\\d+)\\..*");

    private PretrainedAutoencoder() {}

    /**
     * The reference's {@code AutoencoderConfig} fields, with its defaults for those left out: the one mapping from
     * the reference's config to this library's.
     *
     * @param f the config.json
     * @return the config
     */
    static AutoencoderConfig fromReference(ConfigFields f) {
        f.require("hidden_act", "silu", "the activation");
        f.require("mlp_bias", false, "MLP projections with bias");
        for (String layers : new String[] {"num_encoder_layers", "num_decoder_layers"}) {
            if (f.integer(layers, 2) % 2 != 0) {
                throw f.problem(layers + " " + f.integer(layers, 2) + " is odd: the reference runs only an even "
                        + "number of them (half before and half after the squeeze or expand)");
            }
        }
        try {
            return new AutoencoderConfig(f.integer("patch_size", 4), f.integer("vocab_size", 32000),
                    f.integer("hidden_size", 512), f.integer("intermediate_size", 1280),
                    f.integer("num_encoder_layers", 2), f.integer("num_decoder_layers", 2),
                    f.integer("latent_size", 128), f.number("ae_dropout", 0.15), f.number("kl_clamp", 0.5),
                    f.number("kl_weight", 1e-3), f.number("rms_norm_eps", 1e-6));
        } catch (CalmException e) {
            throw f.problem(e.getMessage());
        }
    }

    /**
     * The one mapping from this library's config to the reference's {@code config.json}.
     *
     * @param c the config
     * @param floatFormat how the weights beside it are stored, for {@code torch_dtype}
     * @return the reference's fields
     */
    static ObjectNode toReference(AutoencoderConfig c, DType floatFormat) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putArray("architectures").add("Autoencoder");
        node.put("ae_dropout", c.aeDropout())
                .put("kl_clamp", c.klClamp())
                .put("kl_weight", c.klWeight())
                .put("patch_size", c.patchSize())
                .put("vocab_size", c.vocabSize())
                .put("hidden_size", c.hiddenSize())
                .put("intermediate_size", c.intermediateSize())
                .put("num_encoder_layers", c.numEncoderLayers())
                .put("num_decoder_layers", c.numDecoderLayers())
                .put("latent_size", c.latentSize())
                .put("rms_norm_eps", c.rmsNormEps())
                .put("hidden_act", "silu")
                .put("mlp_bias", false)
                .put("tie_word_embeddings", false)
                .put("torch_dtype", ModelDirectory.torchDtype(floatFormat));
        return node;
    }

    /**
     * @param f an autoencoder's config.json, in either layout
     * @return its config
     */
    public static AutoencoderConfig config(ConfigFields f) {
        ModelKind.AUTOENCODER.expect(f);
        return ModelDirectory.layout(f, ModelKind.AUTOENCODER, AutoencoderConfig.class) == Layout.LIBRARY
                ? ModelDirectory.readLibrary(f, AutoencoderConfig.class) : fromReference(f);
    }

    /**
     * Loads an autoencoder directory in either layout.
     *
     * @param dir the directory
     * @param manager the owner of the weights
     * @return the autoencoder, its weights loaded
     * @throws CalmException if the config or the weights are missing, malformed, or disagree (each disagreeing
     *     tensor named)
     */
    public static Autoencoder load(Path dir, NDManager manager) {
        Autoencoder ae = new Autoencoder(config(ModelDirectory.config(dir)));
        try (CheckpointReader reader = Checkpoints.open(dir)) {
            ae.load(weights(reader), manager);
        }
        return ae;
    }

    /**
     * @param reader an autoencoder's state dict in either layout, or a CALM's {@code ae_model.*} with the prefix
     *     removed
     * @return the same tensors under this library's names: the lm_head alias read as the embedding
     */
    public static MappedCheckpoint weights(CheckpointReader reader) {
        return MappedCheckpoint.of(reader, name -> name.equals(LM_HEAD_ALIAS) ? EMBEDDING : name);
    }

    /**
     * The config of an autoencoder known only by its weights (a CALM file's {@code ae_model.*} without its
     * directory): sizes from the tensors' shapes, read through {@link #fromReference} as the fields of a reference
     * config, so everything else takes the reference's defaults.
     *
     * @param weights the autoencoder's tensors under this library's names ({@link #weights})
     * @return the config
     * @throws CalmException naming the tensor that is missing
     */
    public static AutoencoderConfig inferConfig(CheckpointReader weights) {
        long[] embedding = shape(weights, EMBEDDING);
        Set<Integer> encoder = new TreeSet<>();
        Set<Integer> decoder = new TreeSet<>();
        for (String name : weights.names()) {
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                (m.group(1).startsWith("encoder") ? encoder : decoder).add(Integer.parseInt(m.group(2)));
            }
        }
        ObjectNode fields = Json.MAPPER.createObjectNode()
                .put("vocab_size", embedding[0])
                .put("hidden_size", embedding[1])
                .put("intermediate_size", shape(weights, "encoder.encoder_layers.0.mlp.gate_proj.weight")[0])
                .put("patch_size", shape(weights, "encoder.squeeze_layer.weight")[1] / embedding[1])
                .put("latent_size", shape(weights, "encoder.hidden_to_latent.weight")[0] / 2)
                .put("num_encoder_layers", encoder.size())
                .put("num_decoder_layers", decoder.size());
        return fromReference(new ConfigFields(weights.source(), fields));
    }

    private static long[] shape(CheckpointReader weights, String name) {
        if (!weights.contains(name)) {
            throw new CalmException(weights.source() + ": the autoencoder's weights lack '" + name + "'");
        }
        return weights.spec(name).shape();
    }

    /**
     * @param ae an autoencoder
     * @return its state dict as the reference registers it: this library's parameters and the lm_head alias
     */
    public static Map<String, NDArray> referenceStateDict(Autoencoder ae) {
        Map<String, NDArray> out = new LinkedHashMap<>(ae.stateDict());
        out.put(LM_HEAD_ALIAS, out.get(EMBEDDING));
        return out;
    }

    /**
     * Writes an autoencoder directory.
     *
     * @param ae the autoencoder
     * @param dir the directory; created if missing, its config.json and model.safetensors replaced
     * @param layout the reference's (the default) or this library's
     * @param floatFormat how float tensors are stored: F32, BF16 or F16
     */
    public static void save(Autoencoder ae, Path dir, Layout layout, DType floatFormat) {
        if (layout == Layout.REFERENCE) {
            ModelDirectory.write(dir, toReference(ae.config(), floatFormat), referenceStateDict(ae), floatFormat);
        } else {
            ModelDirectory.write(dir, ModelDirectory.libraryConfig(ModelKind.AUTOENCODER, ae.config()),
                    ae.stateDict(), floatFormat);
        }
    }
}
