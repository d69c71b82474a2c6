/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import dev.calm.core.CalmException;
import dev.calm.core.data.CorpusFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files of a JSON Lines or plain-text source, chosen as {@code calm prepare} chooses them
 * ({@code CorpusFiles}): a file stands for itself; a directory for the files under it, at any depth, whose name is
 * a corpus name of the source's format and none of whose path parts below the directory starts with a dot; a glob
 * for the files it matches that have such a name. They are listed on the driver through Hadoop's file system
 * (local, HDFS or an object store alike) and handed to Spark as paths. Spark's own reading of a directory would
 * take every file in it, and of a glob would log a stack trace while it looks for a streaming sink's metadata
 * under the pattern.
 */
final class SourceFiles {

    private SourceFiles() {}

    /**
     * @param conf the Hadoop configuration of the session
     * @param input a file, a directory or a glob (no {@code **})
     * @param format {@link CorpusFormat#JSON_LINES} or {@link CorpusFormat#PLAIN_TEXT}
     * @return the files' paths, at least one
     * @throws CalmException when the input does not exist or holds no file of the format
     */
    static String[] list(Configuration conf, String input, CorpusFormat format) {
        Path path = new Path(input);
        int wild = firstWildcard(input);
        List<String> files = new ArrayList<>();
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new CalmException(wild >= 0 ? "no file matches " + input : "corpus not found: " + input);
            }
            if (wild < 0 && !matches[0].isDirectory()) {
                return new String[] {matches[0].getPath().toString()}; // a file stands for itself
            }
            // a glob's matching files, or every file under the directory; a dot hides a file below that base
            List<Path> candidates = new ArrayList<>();
            int baseDepth;
            if (wild >= 0) {
                int slash = input.lastIndexOf('/', wild);
                baseDepth = fs.makeQualified(new Path(slash < 0 ? "." : input.substring(0, slash + 1))).depth();
                for (FileStatus match : matches) {
                    if (match.isFile()) {
                        candidates.add(match.getPath());
                    }
                }
            } else {
                baseDepth = matches[0].getPath().depth();
                RemoteIterator<LocatedFileStatus> under = fs.listFiles(matches[0].getPath(), true);
                while (under.hasNext()) {
                    candidates.add(under.next().getPath());
                }
            }
            for (Path file : candidates) {
                if (!hiddenBelow(file, baseDepth) && format.equals(formatOf(file))) {
                    files.add(file.toString());
                }
            }
        } catch (IOException e) {
            throw new CalmException("cannot list " + input + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new CalmException("empty corpus " + input + ": no " + (format == CorpusFormat.JSON_LINES
                    ? ".jsonl, .json or .ndjson" : ".txt or .text") + " file (optionally .gz) in it");
        }
        files.sort(null);
        return files.toArray(String[]::new);
    }

    private static int firstWildcard(String input) {
        for (int i = 0; i < input.length(); i++) {
            if ("*?[{".indexOf(input.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static CorpusFormat formatOf(Path file) {
        return CorpusFormat.of(java.nio.file.Path.of(file.getName()));
    }

    /** Whether a part of the path below the first {@code depth} parts starts with a dot. */
    private static boolean hiddenBelow(Path file, int depth) {
        for (Path p = file; p != null && p.depth() > depth; p = p.getParent()) {
            if (p.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
