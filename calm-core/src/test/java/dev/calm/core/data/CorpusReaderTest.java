/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusReaderTest {

    static final String JSONL = """
            {"id": "a1", "text": "First document.\\nSecond line."}

            {"title": "Titled", "text": "Caf\\u00e9 \\u00fcber"}
            {"text": "   "}
            {"id": 7, "text": "numeric id"}
            {"text": "no id: line number"}
            """;

    static final List<Document> JSONL_DOCUMENTS = List.of(
            new Document("a1", "First document.\nSecond line."),
            new Document("Titled", "Café über"),
            new Document("7", "numeric id"),
            new Document("6", "no id: line number"));

    @TempDir
    Path dir;

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static Path gzip(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    @Test
    void jsonLinesWithIdTitleOrLineNumberSkippingBlankDocuments() throws IOException {
        assertEquals(JSONL_DOCUMENTS, CorpusReader.read(write(dir.resolve("c.jsonl"), JSONL)));
        assertEquals(JSONL_DOCUMENTS, CorpusReader.read(write(dir.resolve("c.json"), JSONL)));
    }

    @Test
    void plainTextIsOneDocumentWithNormalisedLineEnds() throws IOException {
        Path file = write(dir.resolve("story.txt"), "\uFEFFOne.\r\n\r\nTwo paragraphs.\r\n");
        assertEquals(List.of(new Document("story.txt", "One.\n\nTwo paragraphs.\n")), CorpusReader.read(file));
    }

    @Test
    void formFeedsSeparatePages() throws IOException {
        Path file = write(dir.resolve("book.txt"), "Page one.\n\f\fPage three.\fPage four.");
        assertEquals(List.of(new Document("book.txt#1", "Page one.\n"), new Document("book.txt#3", "Page three."),
                new Document("book.txt#4", "Page four.")), CorpusReader.read(file));
    }

    @Test
    void gzipByNameAndByMagicBytes() throws IOException {
        byte[] jsonl = JSONL.getBytes(StandardCharsets.UTF_8);
        assertEquals(JSONL_DOCUMENTS, CorpusReader.read(gzip(dir.resolve("c.jsonl.gz"), jsonl)));
        assertEquals(JSONL_DOCUMENTS, CorpusReader.read(gzip(dir.resolve("misnamed.jsonl"), jsonl)));
        Path text = gzip(dir.resolve("t.txt.gz"), "Zipped text.".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(new Document("t.txt.gz", "Zipped text.")), CorpusReader.read(text));
        // two gzip members one after the other (cat a.gz b.gz) read as one stream, as gzip -d does
        Path first = gzip(dir.resolve("first.gz"), "Zipped ".getBytes(StandardCharsets.UTF_8));
        Path second = gzip(dir.resolve("second.gz"), "twice.".getBytes(StandardCharsets.UTF_8));
        Path both = dir.resolve("both.txt.gz");
        Files.write(both, Files.readAllBytes(first));
        Files.write(both, Files.readAllBytes(second), StandardOpenOption.APPEND);
        assertEquals(List.of(new Document("both.txt.gz", "Zipped twice.")), CorpusReader.read(both));
    }

    @Test
    void directoryInSortedOrderWithPrefixedIds() throws IOException {
        write(dir.resolve("b/second.txt"), "Second file.");
        write(dir.resolve("a.txt"), "First file.");
        write(dir.resolve("c.jsonl"), "{\"id\": \"x\", \"text\": \"From JSON.\"}\n");
        gzip(dir.resolve("d.txt.gz"), "Gzipped.".getBytes(StandardCharsets.UTF_8));
        write(dir.resolve(".hidden/skip.txt"), "hidden");
        write(dir.resolve("notes.md"), "not a corpus file name");
        assertEquals(List.of(new Document("a.txt", "First file."), new Document("b/second.txt", "Second file."),
                new Document("c.jsonl:x", "From JSON."), new Document("d.txt.gz", "Gzipped.")),
                CorpusReader.read(dir));
    }

    @Test
    void forEachStreamsInTheSameOrderAsRead() throws IOException {
        Path file = write(dir.resolve("c.jsonl"), JSONL);
        List<Document> seen = new ArrayList<>();
        assertEquals(4, CorpusReader.forEach(file, seen::add));
        assertEquals(JSONL_DOCUMENTS, seen);
    }

    @Test
    void sharedBrownJsonlHas500Documents() {
        List<Document> documents = CorpusReader.read(SharedData.require("brown.jsonl"));
        assertEquals(500, documents.size());
        assertEquals("ca01", documents.get(0).id());
        assertTrue(documents.get(0).text().startsWith("The Fulton County Grand Jury said Friday"));
    }

    @Test
    void sharedWikitextHas62DocumentsNumberedByLine() {
        List<Document> documents = CorpusReader.read(SharedData.require("wikitext103-test.jsonl"));
        assertEquals(62, documents.size());
        assertEquals("1", documents.get(0).id());
        assertEquals("62", documents.get(61).id());
        assertTrue(documents.get(0).text().startsWith(" = Robert Boulter = \n"));
    }
}
