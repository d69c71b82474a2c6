/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DocumentSplitTest {

    private static List<Document> corpus(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Document("doc" + i, "text " + i)).toList();
    }

    private static Set<String> ids(List<Document> documents) {
        return documents.stream().map(Document::id).collect(Collectors.toSet());
    }

    @Test
    void disjointCompleteAndSizedByTheFraction() {
        List<Document> documents = corpus(500);
        DocumentSplit split = DocumentSplit.of(documents, 0.1, 42);
        assertEquals(50, split.validation().size());
        assertEquals(450, split.train().size());
        Set<String> train = ids(split.train());
        Set<String> validation = ids(split.validation());
        assertTrue(Collections.disjoint(train, validation));
        Set<String> all = new HashSet<>(train);
        all.addAll(validation);
        assertEquals(ids(documents), all);
        // each side keeps the corpus order
        assertEquals(documents.stream().filter(d -> train.contains(d.id())).toList(), split.train());
    }

    @Test
    void reproducibleFromTheSeedAndIndependentOfDocumentOrder() {
        List<Document> documents = corpus(200);
        List<Document> shuffled = new ArrayList<>(documents);
        Collections.shuffle(shuffled, new Random(7));
        Set<String> a = ids(DocumentSplit.of(documents, 0.25, 1).validation());
        assertEquals(a, ids(DocumentSplit.of(documents, 0.25, 1).validation()));
        assertEquals(a, ids(DocumentSplit.of(shuffled, 0.25, 1).validation()));
        assertNotEquals(a, ids(DocumentSplit.of(documents, 0.25, 2).validation()));
    }

    @Test
    void atLeastOneDocumentOnEachSide() {
        DocumentSplit tiny = DocumentSplit.of(corpus(2), 0.01, 3);
        assertEquals(1, tiny.train().size());
        assertEquals(1, tiny.validation().size());
        DocumentSplit large = DocumentSplit.of(corpus(3), 0.99, 3);
        assertEquals(1, large.train().size());
        assertEquals(2, large.validation().size());
    }

    @Test
    void documentsSharingAnIdStayTogether() {
        List<Document> documents = new ArrayList<>(corpus(10));
        documents.add(new Document("doc3", "second part of doc3"));
        DocumentSplit split = DocumentSplit.of(documents, 0.5, 9);
        long withDoc3 = (split.train().stream().anyMatch(d -> d.id().equals("doc3")) ? 1 : 0)
                + (split.validation().stream().anyMatch(d -> d.id().equals("doc3")) ? 1 : 0);
        assertEquals(1, withDoc3);
        assertEquals(11, split.train().size() + split.validation().size());
        assertEquals(5, ids(split.validation()).size());
    }

    @Test
    void rejectsTooFewDocumentsAndBadFractions() {
        assertEquals("cannot split a corpus of 1 document into training and validation: need at least 2 documents"
                + " with distinct ids", assertThrows(CalmException.class,
                        () -> DocumentSplit.of(corpus(1), 0.5, 0)).getMessage());
        assertEquals("validation fraction must be in (0, 1), got 1.0",
                assertThrows(CalmException.class, () -> DocumentSplit.of(corpus(5), 1.0, 0)).getMessage());
        assertThrows(CalmException.class, () -> DocumentSplit.of(corpus(5), 0.0, 0));
        assertThrows(CalmException.class, () -> DocumentSplit.of(corpus(5), Double.NaN, 0));
    }
}
