/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A checkpoint split into shards, as Hugging Face writes large models: an index ({@code model.safetensors.index.json}
 * or {@code pytorch_model.bin.index.json}) whose {@code weight_map} names the shard of every tensor, beside the
 * shards themselves. {@link #open} opens every shard and checks that each holds exactly the tensors the index gives
 * it; a shard's file name must sit in the index's directory.
 */
public final class ShardedCheckpoint implements CheckpointReader {

    private final Path index;
    private final Map<String, CheckpointReader> byTensor;
    private final List<CheckpointReader> shards;

    private ShardedCheckpoint(Path index, Map<String, CheckpointReader> byTensor, List<CheckpointReader> shards) {
        this.index = index;
        this.byTensor = Collections.unmodifiableMap(byTensor);
        this.shards = shards;
    }

    /**
     * @param index a {@code *.index.json} file
     * @return the checkpoint, its shards open; close it when done
     * @throws CalmException if the index is malformed or a shard is missing, malformed or disagrees with it
     */
    public static ShardedCheckpoint open(Path index) {
        Map<String, String> weightMap = weightMap(index);
        Map<String, CheckpointReader> opened = new LinkedHashMap<>();
        try {
            for (String shard : new TreeSet<>(weightMap.values())) {
                if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")
                        || shard.equals(".")) {
                    throw new CalmException(index + ": shard '" + shard + "' is not a file name in the index's "
                            + "directory");
                }
                Path file = index.resolveSibling(shard);
                if (!Files.isRegularFile(file)) {
                    throw new CalmException(index + ": shard " + shard + " does not exist");
                }
                opened.put(shard, Checkpoints.openFile(file));
            }
            Map<String, CheckpointReader> byTensor = new LinkedHashMap<>();
            weightMap.forEach((tensor, shard) -> {
                CheckpointReader reader = opened.get(shard);
                if (!reader.contains(tensor)) {
                    throw new CalmException(index + ": the index puts '" + tensor + "' in " + shard
                            + ", which does not hold it");
                }
                byTensor.put(tensor, reader);
            });
            opened.forEach((shard, reader) -> {
                for (String name : reader.names()) {
                    if (byTensor.get(name) != reader) {
                        throw new CalmException(index + ": shard " + shard + " holds '" + name
                                + "', which the index does not give it");
                    }
                }
            });
            return new ShardedCheckpoint(index, byTensor, new ArrayList<>(opened.values()));
        } catch (RuntimeException e) {
            opened.values().forEach(CheckpointReader::close);
            throw e;
        }
    }

    private static Map<String, String> weightMap(Path index) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(index));
        } catch (IOException e) {
            throw new CalmException(index + ": cannot read the shard index: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new CalmException(index + ": a shard index needs a non-empty \"weight_map\" object");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new CalmException(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
            }
            weightMap.put(e.getKey(), e.getValue().textValue());
        }
        return weightMap;
    }

    @Override
    public Path source() {
        return index;
    }

    @Override
    public Set<String> names() {
        return byTensor.keySet();
    }

    @Override
    public TensorSpec spec(String name) {
        return shard(name).spec(name);
    }

    @Override
    public ByteBuffer readBytes(String name) {
        return shard(name).readBytes(name);
    }

    /** @return the shards' files, in the order of their names */
    public List<Path> shardFiles() {
        return shards.stream().map(CheckpointReader::source).toList();
    }

    private CheckpointReader shard(String name) {
        CheckpointReader reader = byTensor.get(name);
        if (reader == null) {
            throw noSuchTensor(name);
        }
        return reader;
    }

    @Override
    public void close() {
        shards.forEach(CheckpointReader::close);
    }
}
