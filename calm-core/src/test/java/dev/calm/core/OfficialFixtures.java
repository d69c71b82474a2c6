/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tiny models in the reference implementation's layout under {@code src/test/resources/official} of
 * calm-core, written by {@code src/test/python/make_official_fixtures.py} with real PyTorch: checkpoints
 * ({@code pytorch_model.bin} by {@code torch.save}, safetensors, shards), configs, a Llama-3-family tokenizer, and
 * {@code reference.safetensors} with the reference modules' outputs. Other modules reach them through calm-core's
 * test jar; when they sit inside that jar they are copied to a temporary directory once.
 */
public final class OfficialFixtures {

    private static Path root;

    private OfficialFixtures() {}

    /**
     * @param name a fixture directory or file under {@code official/}, e.g. {@code calm} or {@code torch/views.bin}
     * @return its path on disk
     */
    public static synchronized Path path(String name) {
        if (root == null) {
            root = locate();
        }
        Path path = root.resolve(name);
        if (!Files.exists(path)) {
            throw new IllegalStateException("no official fixture " + name + " under " + root);
        }
        return path;
    }

    /**
     * Copies a fixture directory (with its siblings' names kept) to a scratch directory a test may change.
     *
     * @param name a fixture directory under {@code official/}
     * @param target where to copy it; created
     * @return {@code target}
     */
    public static Path copy(String name, Path target) {
        try {
            copyTree(path(name), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void copyTree(Path from, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    private static Path locate() {
        var url = OfficialFixtures.class.getResource("/official/calm/config.json");
        if (url == null) {
            throw new IllegalStateException("the official fixtures are not on the test classpath");
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("file")) {
                return Path.of(uri).getParent().getParent();
            }
            FileSystem jar;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
            }
            Path scratch = Files.createTempDirectory("calm-official-fixtures");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dev.calm.core.io.FileTrees.delete(scratch)));
            copyTree(jar.getPath("/official"), scratch);
            return scratch;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
