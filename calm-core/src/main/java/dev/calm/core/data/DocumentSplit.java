/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A training/validation split by document: no document contributes text to both sides.
 *
 * <p>The split is a seeded shuffle of the distinct document ids: each id gets the key
 * {@code new Rng(seed).fork(id).nextLong()}, ids are ordered by key (then by id), and the first
 * {@code round(fraction * ids)} of them, at least 1 and at most {@code ids - 1}, form the validation side. It
 * therefore depends only on the seed, the fraction and the set of ids, not on the order of the documents.
 * Documents sharing an id stay together. Both sides keep the documents' original order.
 *
 * @param train the training documents
 * @param validation the validation documents
 */
public record DocumentSplit(List<Document> train, List<Document> validation) {

    /**
     * Makes both lists immutable copies.
     *
     * @param train the training documents (copied)
     * @param validation the validation documents (copied)
     */
    public DocumentSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * @param documents the corpus, with at least 2 distinct ids
     * @param validationFraction the share of documents held out, in (0, 1)
     * @param seed the seed: the same seed and ids give the same split
     * @return the split
     */
    public static DocumentSplit of(List<Document> documents, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new CalmException("validation fraction must be in (0, 1), got " + validationFraction);
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (Document document : documents) {
            distinct.add(document.id());
        }
        int n = distinct.size();
        if (n < 2) {
            throw new CalmException("cannot split a corpus of " + n + " document" + (n == 1 ? "" : "s")
                    + " into training and validation: need at least 2 documents with distinct ids");
        }
        int held = (int) Math.max(1, Math.min(n - 1, Math.round(validationFraction * n)));
        Rng root = new Rng(seed);
        record Keyed(long key, String id) {}
        List<Keyed> keyed = new ArrayList<>(n);
        for (String id : distinct) {
            keyed.add(new Keyed(root.fork(id).nextLong(), id));
        }
        keyed.sort(Comparator.comparingLong(Keyed::key).thenComparing(Keyed::id));
        Set<String> validationIds = new HashSet<>();
        for (int i = 0; i < held; i++) {
            validationIds.add(keyed.get(i).id());
        }
        List<Document> train = new ArrayList<>();
        List<Document> validation = new ArrayList<>();
        for (Document document : documents) {
            (validationIds.contains(document.id()) ? validation : train).add(document);
        }
        return new DocumentSplit(train, validation);
    }

    @Override
    public String toString() {
        return "DocumentSplit[train=" + train.size() + " documents, validation=" + validation.size() + " documents]";
    }
}
