/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.CalmException;
import dev.calm.core.StepScope;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsWriter;
import dev.calm.core.nd4j.Nd4jArrays;
import dev.calm.core.nd4j.Nd4jNpy;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm encode}: the latent vectors of a text, one per chunk of K tokens, from the autoencoder of a
 * {@code --model-dir} (an autoencoder's directory, or a CALM's, whose autoencoder is used): the posterior means
 * as an {@code [N, l]} float32 {@code .npy} written by ND4J's numpy codec ({@code --format npy}: what
 * {@code numpy.load} and ND4J's {@code Nd4j.createFromNpyFile} read), or a safetensors file with {@code mean},
 * {@code log_std} and the {@code input_ids} they encode. The text is padded to a multiple of K with {@code [PAD]},
 * as the reference pads its autoencoder's data.
 */
@Command(name = "encode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write the latent vectors of a text (.npy or safetensors) with a model directory's autoencoder.")
final class EncodeCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--text"}, description = "the text to encode")
    private String text;

    @Option(names = "--input", description = "a UTF-8 text file to encode instead of --text")
    private Path input;

    @Option(names = {"-o", "--output"}, description = "a new file ending in .npy (the means, [N, l]) or "
            + ".safetensors (mean, log_std, input_ids); required")
    private Path output;

    @Option(names = "--format", description = "npy (through ND4J) or safetensors; default: from the --output "
            + "file's extension, which must agree")
    private Format format;

    /** What {@code --output} holds. */
    enum Format {
        /** the means as an {@code [N, l]} float32 array, written by ND4J's numpy codec */
        npy,
        /** mean, log_std and input_ids */
        safetensors
    }

    @CommandLine.Mixin
    private PretrainedOptions pretrained;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        String content = validate();
        PrintWriter out = spec.commandLine().getOut();
        try (Tokenizer tokenizer = pretrained.tokenizer(); NDManager root = runtime.open()) {
            Autoencoder ae = pretrained.autoencoder(tokenizer, root);
            int k = ae.config().patchSize();
            int[] ids = tokenizer.encode(content);
            int[] pad = tokenizer.encode(HfTokenizer.PAD);
            long[] padded = new long[(ids.length + k - 1) / k * k];
            Arrays.fill(padded, pad.length == 1 ? pad[0] : tokenizer.eosId());
            for (int i = 0; i < ids.length; i++) {
                padded[i] = ids[i];
            }
            int n = padded.length / k;
            int l = ae.config().latentSize();
            try (StepScope step = StepScope.open(root)) {
                NDArray tokens = step.manager().create(padded, new Shape(1, padded.length));
                Posterior q = ae.encode(tokens);
                NDArray mean = q.mean().reshape(n, l);
                if (format == Format.npy) {
                    writeNpy(mean);
                } else {
                    Map<String, NDArray> tensors = new LinkedHashMap<>();
                    tensors.put("mean", mean);
                    tensors.put("log_std", q.logStd().reshape(n, l));
                    tensors.put("input_ids", tokens.reshape(padded.length));
                    SafeTensorsWriter.write(output, tensors, Map.of("format", "pt"), DType.F32);
                }
            }
            out.printf(Locale.ROOT, "%,d tokens (%,d with padding to K = %d) -> %,d latent vectors of %d -> %s%n",
                    ids.length, padded.length, k, n, l, output);
        }
        out.flush();
        return 0;
    }

    private String validate() {
        if (!pretrained.given()) {
            throw usage("--model-dir is required: the autoencoder's (or a CALM's) directory");
        }
        if ((text == null) == (input == null)) {
            throw usage("give the text with exactly one of --text and --input");
        }
        if (output == null || !(output.toString().endsWith(".npy") || output.toString().endsWith(".safetensors"))) {
            throw usage("--output must name a .npy or .safetensors file");
        }
        Format extension = output.toString().endsWith(".npy") ? Format.npy : Format.safetensors;
        if (format != null && format != extension) {
            throw usage("--format " + format + " writes a ." + format + " file, but --output " + output
                    + " ends in ." + extension);
        }
        format = extension;
        if (Files.exists(output)) {
            throw usage("--output " + output + " already exists: encode writes a new file and never replaces one");
        }
        String content = text;
        if (input != null) {
            try {
                content = Files.readString(input, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CalmException("cannot read --input " + input + ": " + (Files.exists(input) ? e.getMessage()
                        : "no such file"), e);
            }
        }
        if (content.isEmpty()) {
            throw usage("the text to encode is empty");
        }
        return content;
    }

    /** The means through ND4J: a copy into an INDArray, written by ND4J's numpy codec. */
    private void writeNpy(NDArray mean) {
        Nd4jRequired.call("--format npy", () -> {
            Nd4jNpy.write(output, Nd4jArrays.toNd4j(mean));
            return output;
        });
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
