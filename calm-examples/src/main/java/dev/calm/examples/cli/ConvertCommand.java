/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.FileTrees;
import dev.calm.core.io.SafeTensorsWriter;
import dev.calm.core.io.TensorSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code calm convert IN OUT}: a {@code pytorch_model.bin}, a sharded checkpoint or a safetensors file into one
 * {@code model.safetensors}, or into shards with a {@code model.safetensors.index.json} ({@code --shard-size}).
 * Every tensor keeps its name, dtype, shape and bytes exactly. A directory IN has its other files (config,
 * tokenizer) copied along. OUT must not exist: it is written in a temporary sibling and renamed when complete, so
 * a failure leaves nothing behind.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Convert a checkpoint (.bin, sharded or safetensors) to one model.safetensors or to shards, "
                + "names, dtypes and bytes unchanged.")
final class ConvertCommand implements Callable<Integer> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]i?B|B)?", Pattern.CASE_INSENSITIVE);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "a model directory, pytorch_model.bin, shard index "
            + "or safetensors file")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "a new directory, or a new file ending in "
            + ".safetensors (without --shard-size)")
    private Path out;

    @Option(names = "--shard-size", description = "write shards of at most this size (e.g. 5GB, 500MB, 2GiB) "
            + "with a model.safetensors.index.json, as Hugging Face does")
    private String shardSize;

    @Override
    public Integer call() {
        long maxShard = shardSize == null ? Long.MAX_VALUE : parseSize(shardSize);
        boolean singleFile = out.getFileName() != null && out.getFileName().toString().endsWith(".safetensors");
        if (singleFile && shardSize != null) {
            throw usage("--shard-size writes a directory: OUT must not end in .safetensors");
        }
        if (!Files.exists(in)) {
            throw usage("IN " + in + " does not exist");
        }
        if (Files.exists(out)) {
            throw usage("OUT " + out + " already exists: convert writes a new " + (singleFile ? "file" : "directory")
                    + " and never replaces one");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw usage("the directory of OUT " + out + " does not exist");
        }
        PrintWriter printer = spec.commandLine().getOut();
        try (CheckpointReader reader = Checkpoints.open(in)) {
            List<TensorSpec> specs = reader.names().stream().map(reader::spec).toList();
            if (singleFile) {
                SafeTensorsWriter.writeBytes(out, specs, Map.of("format", "pt"), reader::readBytes);
            } else {
                writeDirectory(reader, specs, maxShard);
            }
            long bytes = specs.stream().mapToLong(TensorSpec::byteLength).sum();
            printer.printf(Locale.ROOT, "%s -> %s: %,d tensors, %,d bytes of data, names, dtypes and bytes "
                    + "unchanged%n", reader.source(), out, specs.size(), bytes);
        }
        printer.flush();
        return 0;
    }

    private void writeDirectory(CheckpointReader reader, List<TensorSpec> specs, long maxShard) {
        Path temp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createDirectory(temp);
            List<List<TensorSpec>> shards = shards(specs, maxShard);
            if (shards.size() == 1) {
                SafeTensorsWriter.writeBytes(temp.resolve("model.safetensors"), specs, Map.of("format", "pt"),
                        reader::readBytes);
            } else {
                Map<String, String> weightMap = new TreeMap<>();
                for (int i = 0; i < shards.size(); i++) {
                    String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
                    SafeTensorsWriter.writeBytes(temp.resolve(file), shards.get(i), Map.of("format", "pt"),
                            reader::readBytes);
                    shards.get(i).forEach(t -> weightMap.put(t.name(), file));
                }
                ObjectNode index = Json.MAPPER.createObjectNode();
                index.putObject("metadata").put("total_size", specs.stream().mapToLong(TensorSpec::byteLength).sum());
                ObjectNode map = index.putObject("weight_map");
                weightMap.forEach(map::put);
                Json.write(temp.resolve("model.safetensors.index.json"), index);
            }
            copyOtherFiles(temp);
            try {
                Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, out);
            }
        } catch (IOException e) {
            throw new CalmException("cannot write " + out + ": " + e, e);
        } finally {
            FileTrees.delete(temp);
        }
    }

    /** Greedy, in file order: a new shard starts when the next tensor would overflow a non-empty one. */
    private static List<List<TensorSpec>> shards(List<TensorSpec> specs, long maxShard) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long size = 0;
        for (TensorSpec t : specs) {
            if (!current.isEmpty() && size + t.byteLength() > maxShard) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += t.byteLength();
        }
        shards.add(current);
        return shards;
    }

    /** The config, tokenizer and other files of a model directory IN, not its weights. */
    private void copyOtherFiles(Path target) throws IOException {
        if (!Files.isDirectory(in)) {
            return;
        }
        try (Stream<Path> files = Files.list(in)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".safetensors") && !name.endsWith(".bin") && !name.endsWith(".index.json")
                        && !name.startsWith(".")) {
                    Files.copy(file, target.resolve(name));
                }
            }
        }
    }

    private long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw usage("--shard-size must be a size such as 5GB, 500MB or 2GiB, got '" + text + "'");
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long scale = switch (unit) {
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            default -> 1L;
        };
        try {
            long size = Math.multiplyExact(Long.parseLong(m.group(1)), scale);
            if (size <= 0) {
                throw usage("--shard-size must be > 0, got '" + text + "'");
            }
            return size;
        } catch (ArithmeticException | NumberFormatException e) {
            throw usage("--shard-size '" + text + "' is too large");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
