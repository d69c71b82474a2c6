/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * The files of a corpus given as a file, a directory or a glob, in the order they are read. A directory stands
 * for its non-hidden files with a corpus name ({@link CorpusFormat}), sorted by relative path; a glob such as
 * {@code data/*.jsonl.gz} or {@code data/**.txt} for the matching files under its directory part, in the same
 * order. Document ids are prefixed with the file's path relative to {@code base} (plain text: that path).
 *
 * @param base the directory ids are relative to, or the file itself
 * @param files the corpus files, in reading order; never empty
 */
public record CorpusFiles(Path base, List<Path> files) {

    /**
     * @param base the directory or file
     * @param files at least one file (copied)
     */
    public CorpusFiles {
        files = List.copyOf(files);
    }

    /**
     * @param spec a file, a directory, or a glob ({@code *}, {@code ?}, {@code [..]} or {@code {..}} in its name part)
     * @return the corpus files it stands for
     * @throws CalmException when nothing matches or the path does not exist
     */
    public static CorpusFiles of(String spec) {
        int wild = firstWildcard(spec);
        if (wild < 0) {
            Path path = Path.of(spec);
            if (!Files.exists(path)) {
                throw new CalmException("corpus not found: " + spec);
            }
            if (!Files.isDirectory(path) && CorpusFormat.of(path) == null) {
                throw new CalmException("unsupported corpus file name " + path + " (expected " + CorpusFormat.ACCEPTED
                        + ")");
            }
            List<Path> files = CorpusReader.files(path);
            if (files.isEmpty()) {
                throw new CalmException("empty corpus " + spec + ": no file named " + CorpusFormat.ACCEPTED);
            }
            return new CorpusFiles(path, files);
        }
        int slash = spec.lastIndexOf('/', wild);
        Path base = slash < 0 ? Path.of(".") : Path.of(spec.substring(0, slash + 1));
        String pattern = spec.substring(slash + 1);
        if (!Files.isDirectory(base)) {
            throw new CalmException("corpus not found: " + spec + " (no directory " + base + ")");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> files = CorpusReader.files(base).stream()
                .filter(f -> matcher.matches(base.relativize(f)))
                .toList();
        if (files.isEmpty()) {
            throw new CalmException("no corpus file matches " + spec + " (expected " + CorpusFormat.ACCEPTED + ")");
        }
        return new CorpusFiles(base, files);
    }

    /** @return the files' total size on disk, for a progress bar */
    public long bytes() {
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                throw new CalmException("cannot read corpus file " + f + ": " + e.getMessage(), e);
            }
        }
        return total;
    }

    private static int firstWildcard(String spec) {
        for (int i = 0; i < spec.length(); i++) {
            if ("*?[{".indexOf(spec.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
