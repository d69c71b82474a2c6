/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.autoencoder.PretrainedAutoencoder;
import dev.calm.core.CalmException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CALM directories in and out, in the reference implementation's layout ({@code EnergyTransformer}: a flat
 * {@code CALMConfig}, the frozen autoencoder inside the state dict under {@code ae_model.*}, the head under
 * {@code mlp_generator.*} and/or {@code generative_head.*}) or this library's ({@link Layout}).
 *
 * <p>The autoencoder is found in this order: the {@code ae_model.*} tensors of the CALM's own weights; a sibling
 * directory named as the last part of the config's {@code ae_path}, or {@code autoencoder}; the subdirectory
 * {@code autoencoder} that {@link #save} writes; the directory given by the caller; {@code ae_path} itself. An
 * {@code ae_path} that does not exist on this machine (the released configs name the authors' training server)
 * matters only when nothing before it is found.
 */
public final class PretrainedCalm {

    private static final Logger LOG = LoggerFactory.getLogger(PretrainedCalm.class);

    /** The prefix of the frozen autoencoder in the reference's state dict. */
    static final String AE_PREFIX = "ae_model.";
    /** The reference's second name of the energy head. */
    static final String HEAD_ALIAS = "generative_head";
    /** The directory name of a CALM's autoencoder beside or inside it. */
    static final String AUTOENCODER_DIR = "autoencoder";

    /** The reference {@code CALMConfig}'s defaults of the backbone fields. */
    private static final TransformerConfig CALM_DEFAULTS =
            new TransformerConfig(32000, 768, 2048, 12, 12, 12, 2048, 10000, 1e-6);

    private PretrainedCalm() {}

    /**
     * The one mapping from the reference's {@code CALMConfig} to this library's config, with its defaults for
     * the fields left out ({@code num_target_samples}, which the reference fixes at 100, is read if present).
     *
     * @param f the config.json
     * @return the config
     */
    static CalmConfig fromReference(ConfigFields f) {
        String type = f.string("model_type", "energy");
        if (!type.isEmpty() && !type.equals("energy")) {
            throw f.problem("model_type '" + type + "' is not a CALM with the energy head");
        }
        TransformerConfig backbone = HfLlamaConfig.fromHf(f, CALM_DEFAULTS);
        try {
            return new CalmConfig(backbone, f.integer("patch_size", 4), f.integer("latent_size", 128),
                    new EnergyHeadConfig(f.integer("noise_size", 64), f.integer("num_mlp_layers", 4),
                            f.integer("num_samples", 8), f.integer("num_target_samples", 100),
                            f.number("beta", 1.0)));
        } catch (CalmException e) {
            throw f.problem(e.getMessage());
        }
    }

    /**
     * The one mapping from this library's config to the reference's {@code config.json}.
     *
     * @param c the config
     * @param aePath the autoencoder's directory, for {@code ae_path}
     * @param floatFormat how the weights beside it are stored, for {@code torch_dtype}
     * @return the reference's fields
     */
    static ObjectNode toReference(CalmConfig c, String aePath, DType floatFormat) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putArray("architectures").add("EnergyTransformer");
        node.put("model_type", "energy")
                .put("ae_path", aePath)
                .put("patch_size", c.patchSize())
                .put("latent_size", c.latentSize())
                .put("noise_size", c.head().noiseSize())
                .put("num_mlp_layers", c.head().numMlpLayers())
                .put("num_samples", c.head().numSamples())
                .put("num_target_samples", c.head().numTargetSamples())
                .put("beta", c.head().beta());
        node.setAll(HfLlamaConfig.toHf(c.backbone()));
        node.put("torch_dtype", ModelDirectory.torchDtype(floatFormat));
        return node;
    }

    /**
     * @param f a CALM's config.json, in either layout
     * @return its config
     */
    public static CalmConfig config(ConfigFields f) {
        ModelKind.CALM.expect(f);
        return ModelDirectory.layout(f, ModelKind.CALM, CalmConfig.class) == Layout.LIBRARY
                ? ModelDirectory.readLibrary(f, CalmConfig.class) : fromReference(f);
    }

    /**
     * Loads a CALM directory in either layout, with its autoencoder.
     *
     * @param dir the CALM's directory
     * @param autoencoderDir the autoencoder's directory if the caller knows it, else null
     * @param manager the owner of the weights
     * @return the CALM with its frozen autoencoder
     * @throws CalmException if a file is missing or malformed, the autoencoder cannot be found or does not fit
     *     (one line naming both), or the weights disagree with the config (each disagreeing tensor named)
     */
    public static Calm load(Path dir, Path autoencoderDir, NDManager manager) {
        ConfigFields f = ModelDirectory.config(dir);
        CalmConfig config = config(f);
        try (CheckpointReader reader = Checkpoints.open(dir)) {
            Autoencoder ae = autoencoder(dir, f, reader, autoencoderDir, manager);
            try {
                config.checkCompatible(ae.config());
            } catch (CalmException e) {
                throw new CalmException(f.file() + ": " + e.getMessage(), e);
            }
            Calm calm = new Calm(config, ae);
            calm.load(weights(reader), manager);
            return calm;
        }
    }

    /**
     * @param reader a CALM's state dict in either layout
     * @return its own tensors under this library's names: the autoencoder left out, {@code generative_head.*}
     *     read as {@code mlp_generator.*}, rotary tables of older Hugging Face versions left out
     */
    static MappedCheckpoint weights(CheckpointReader reader) {
        return MappedCheckpoint.of(reader, name -> name.startsWith(AE_PREFIX) || name.endsWith("rotary_emb.inv_freq")
                ? null : name.startsWith(HEAD_ALIAS + ".") ? "mlp_generator" + name.substring(HEAD_ALIAS.length())
                : name);
    }

    private static Autoencoder autoencoder(Path dir, ConfigFields f, CheckpointReader reader, Path given,
            NDManager manager) {
        List<Path> candidates = candidates(dir, f, given);
        MappedCheckpoint embedded = MappedCheckpoint.of(reader,
                name -> name.startsWith(AE_PREFIX) ? name.substring(AE_PREFIX.length()) : null);
        if (!embedded.names().isEmpty()) {
            MappedCheckpoint weights = PretrainedAutoencoder.weights(embedded);
            AutoencoderConfig inferred = PretrainedAutoencoder.inferConfig(weights);
            AutoencoderConfig config = candidates.stream()
                    .map(PretrainedCalm::configIfAny)
                    .filter(c -> c != null && sameShape(c, inferred))
                    .findFirst().orElse(inferred);
            Autoencoder ae = new Autoencoder(config);
            ae.load(weights, manager);
            LOG.info("CALM {}: autoencoder from the ae_model.* tensors of {}{}", dir, reader.source(),
                    config == inferred ? ", its config from their shapes (rms_norm_eps 1e-6, the reference's)" : "");
            return ae;
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve(ModelDirectory.CONFIG))) {
                LOG.info("CALM {}: autoencoder from {}", dir, candidate);
                return PretrainedAutoencoder.load(candidate, manager);
            }
        }
        throw new CalmException(dir + ": cannot find the CALM's autoencoder: its weights hold no " + AE_PREFIX
                + "* tensors and none of " + candidates.stream().map(Path::toString).collect(Collectors.joining(", "))
                + " is an autoencoder directory; give its directory explicitly");
    }

    /** Sibling directories, the subdirectory, the caller's, then ae_path: in that order, without repeats. */
    private static List<Path> candidates(Path dir, ConfigFields f, Path given) {
        Set<Path> out = new LinkedHashSet<>();
        String aePath = f.has("ae_path") ? f.string("ae_path", null) : null;
        Path absolute = dir.toAbsolutePath().normalize();
        if (aePath != null && !aePath.isBlank()) {
            Path name = Path.of(aePath).getFileName();
            if (name != null && absolute.getParent() != null) {
                out.add(absolute.resolveSibling(name.toString()));
            }
        }
        if (absolute.getParent() != null) {
            out.add(absolute.resolveSibling(AUTOENCODER_DIR));
        }
        out.add(absolute.resolve(AUTOENCODER_DIR));
        if (given != null) {
            out.add(given.toAbsolutePath().normalize());
        }
        if (aePath != null && !aePath.isBlank()) {
            out.add(Path.of(aePath).toAbsolutePath().normalize());
        }
        out.remove(absolute);
        return new ArrayList<>(out);
    }

    private static AutoencoderConfig configIfAny(Path dir) {
        if (!Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG))) {
            return null;
        }
        try {
            return PretrainedAutoencoder.config(ModelDirectory.config(dir));
        } catch (CalmException e) {
            LOG.debug("Not an autoencoder config: {}", e.getMessage());
            return null;
        }
    }

    private static boolean sameShape(AutoencoderConfig a, AutoencoderConfig b) {
        return a.vocabSize() == b.vocabSize() && a.hiddenSize() == b.hiddenSize()
                && a.intermediateSize() == b.intermediateSize() && a.numEncoderLayers() == b.numEncoderLayers()
                && a.numDecoderLayers() == b.numDecoderLayers() && a.patchSize() == b.patchSize()
                && a.latentSize() == b.latentSize();
    }

    /**
     * Writes a CALM directory.
     *
     * <p>{@link Layout#REFERENCE}: {@code config.json} with the reference's fields, {@code model.safetensors}
     * with the state dict of the reference's {@code EnergyTransformer} (the autoencoder under {@code ae_model.*},
     * the head under both of its names), and the autoencoder's own directory in the subdirectory
     * {@code autoencoder}, which {@code ae_path} names, so that the reference's {@code from_pretrained} finds it.
     * {@link Layout#LIBRARY}: the config record and this model's own parameters; the autoencoder is saved apart,
     * conventionally in the sibling directory {@code autoencoder}.
     *
     * @param calm the model
     * @param dir the directory; created if missing, its files replaced
     * @param layout the reference's (the default) or this library's
     * @param floatFormat how float tensors are stored: F32, BF16 or F16
     * @throws CalmException if the reference layout is asked for a head other than the energy head
     */
    public static void save(Calm calm, Path dir, Layout layout, DType floatFormat) {
        if (layout == Layout.LIBRARY) {
            ModelDirectory.write(dir, ModelDirectory.libraryConfig(ModelKind.CALM, calm.config()), calm.stateDict(),
                    floatFormat);
            return;
        }
        if (!(calm.head() instanceof EnergyHead)) {
            throw new CalmException("the reference layout holds the energy head only, not a "
                    + calm.head().getClass().getSimpleName() + ": save in this library's layout");
        }
        Path aeDir = dir.resolve(AUTOENCODER_DIR);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        PretrainedAutoencoder.referenceStateDict(calm.autoencoder()).forEach((n, a) -> tensors.put(AE_PREFIX + n, a));
        Map<String, NDArray> own = new LinkedHashMap<>(calm.stateDict());
        own.keySet().removeIf(n -> n.startsWith(Calm.AUX_HEAD + ".")); // training-only, and unknown to the reference
        tensors.putAll(own);
        String head = calm.head().parameterPrefix() + ".";
        own.forEach((n, a) -> {
            if (n.startsWith(head)) {
                tensors.put(HEAD_ALIAS + "." + n.substring(head.length()), a);
            }
        });
        calm.autoencoder().savePretrained(aeDir, Layout.REFERENCE, floatFormat);
        ModelDirectory.write(dir, toReference(calm.config(), aeDir.toAbsolutePath().toString(), floatFormat),
                tensors, floatFormat);
    }
}
