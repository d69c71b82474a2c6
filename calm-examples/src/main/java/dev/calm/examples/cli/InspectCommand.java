/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.autoencoder.PretrainedAutoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.config.Json;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.DType;
import dev.calm.core.io.TensorSpec;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.nd4j.Nd4jArrays;
import dev.calm.core.nd4j.Nd4jNpy;
import dev.calm.core.pretrained.ConfigFields;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.ModelDirectory;
import dev.calm.core.pretrained.ModelKind;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.PretrainedCalm;
import dev.calm.energy.PretrainedTokenBaseline;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code calm inspect PATH}: what a model directory or checkpoint file holds: the model and layout its config
 * describes, the config as this library reads it, where a CALM's autoencoder and head are, and every tensor with
 * its dtype and shape, with the total number of parameters (a tensor registered twice counted once). A {@code .npy}
 * file (the latents of {@code calm encode}) is read through ND4J: its dtype, shape and summary statistics.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List a checkpoint's tensors, dtypes, shapes, parameters, config and layout.")
final class InspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "a model directory, a model.safetensors, a "
            + "pytorch_model.bin, a shard index or a .npy array")
    private Path path;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(path)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "PATH " + path + " does not exist");
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".npy")) {
            Nd4jRequired.call("reading a .npy file", () -> describeNpy(out));
            out.flush();
            return 0;
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        boolean hasConfig = dir != null && Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG));
        try (CheckpointReader reader = Checkpoints.open(path)) {
            if (hasConfig) {
                describeConfig(ModelDirectory.config(dir), reader, out);
            } else {
                out.printf(Locale.ROOT, "%s: no config.json beside it: tensors only%n", path);
            }
            out.printf(Locale.ROOT, "weights: %s%n", reader.source());
            Map<DType, Long> byType = new EnumMap<>(DType.class);
            long aliases = 0;
            int width = reader.names().stream().mapToInt(String::length).max().orElse(4);
            for (String name : reader.names()) {
                TensorSpec t = reader.spec(name);
                byType.merge(t.dtype(), t.numel(), Long::sum);
                boolean alias = isAlias(reader, name);
                aliases += alias ? t.numel() : 0;
                out.printf(Locale.ROOT, "  %-" + width + "s  %-4s %s%s%n", name, t.dtype().safetensorsName(),
                        Arrays.toString(t.shape()), alias ? "  (same parameter as another name)" : "");
            }
            long total = byType.values().stream().mapToLong(Long::longValue).sum();
            out.printf(Locale.ROOT, "%,d tensors, %,d parameters%s; by dtype: %s%n", reader.names().size(),
                    total - aliases, aliases > 0 ? String.format(Locale.ROOT, " (%,d more in second names)", aliases)
                    : "", byType.entrySet().stream().map(e -> e.getKey().safetensorsName() + " "
                    + String.format(Locale.ROOT, "%,d", e.getValue())).toList());
        }
        out.flush();
        return 0;
    }

    /** Its dtype, shape and statistics; ND4J's types stay inside, off the signature picocli reflects on. */
    private Path describeNpy(PrintWriter out) {
        INDArray array = Nd4jNpy.read(path);
        out.printf(Locale.ROOT, "%s: .npy array, %s %s, %,d values%n", path,
                Nd4jArrays.djlType(array.dataType()).toString().toLowerCase(Locale.ROOT),
                Arrays.toString(array.shape()), array.length());
        if (array.length() > 0 && array.dataType().isFPType()) {
            out.printf(Locale.ROOT, "min %.6g, max %.6g, mean %.6g, std %.6g (unbiased, n - 1)%n",
                    array.minNumber().doubleValue(), array.maxNumber().doubleValue(), array.meanNumber().doubleValue(),
                    array.stdNumber().doubleValue());
        }
        return path;
    }

    /** The reference's second names: the head's generative_head.*, the autoencoder's decoder.lm_head_weight. */
    private static boolean isAlias(CheckpointReader reader, String name) {
        if (name.startsWith("generative_head.")) {
            return reader.contains("mlp_generator." + name.substring("generative_head.".length()));
        }
        if (name.endsWith("decoder.lm_head_weight")) {
            return reader.contains(name.replace("decoder.lm_head_weight", "encoder.embed_tokens.weight"));
        }
        return false;
    }

    private static void describeConfig(ConfigFields config, CheckpointReader reader, PrintWriter out) {
        ModelKind kind = ModelKind.of(config);
        Object parsed;
        Layout layout;
        switch (kind) {
            case AUTOENCODER -> {
                parsed = PretrainedAutoencoder.config(config);
                layout = ModelDirectory.layout(config, kind, AutoencoderConfig.class);
            }
            case CALM -> {
                parsed = PretrainedCalm.config(config);
                layout = ModelDirectory.layout(config, kind, CalmConfig.class);
            }
            default -> {
                parsed = PretrainedTokenBaseline.config(config);
                layout = ModelDirectory.layout(config, kind, TransformerConfig.class);
            }
        }
        out.printf(Locale.ROOT, "%s: %s, %s layout%n", config.file().getParent(), kind.label(),
                layout == Layout.REFERENCE ? "the reference implementation's" : "this library's");
        out.printf(Locale.ROOT, "config, as read:%n%s%n", Json.toJson(parsed));
        if (kind == ModelKind.CALM) {
            boolean embedded = reader.names().stream().anyMatch(n -> n.startsWith("ae_model."));
            out.printf(Locale.ROOT, "autoencoder: %s%n", embedded ? "inside the weights (ae_model.*)"
                    : "not in the weights: a sibling directory, or ae_path " + config.string("ae_path", "(none)"));
            boolean mlp = reader.names().stream().anyMatch(n -> n.startsWith("mlp_generator."));
            boolean generative = reader.names().stream().anyMatch(n -> n.startsWith("generative_head."));
            out.printf(Locale.ROOT, "head: %s%n", mlp && generative ? "mlp_generator.* and generative_head.*"
                    : mlp ? "mlp_generator.*" : generative ? "generative_head.*" : "none");
        }
    }
}
