/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Opens corpus files: gzip is recognised by its magic bytes, and I/O failures become one-line messages. */
final class CorpusInput {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private CorpusInput() {}

    /**
     * Opens a file, decompressing it when it starts with the gzip magic bytes. Read errors of the gzip layer
     * (a corrupt or truncated file) surface as {@link CalmException} naming the file.
     *
     * @param file a corpus file, plain or gzip-compressed
     * @return its (decompressed) bytes
     * @throws IOException when the file cannot be opened
     */
    static InputStream open(Path file) throws IOException {
        return open(file, bytes -> { });
    }

    /**
     * Opens a file as {@link #open(Path)} does, telling {@code bytesRead} of every chunk of its bytes read.
     *
     * @param file a corpus file, plain or gzip-compressed
     * @param bytesRead told of the file bytes read (before decompression)
     * @return its (decompressed) bytes
     * @throws IOException when the file cannot be opened
     */
    static InputStream open(Path file, LongConsumer bytesRead) throws IOException {
        BufferedInputStream in = new BufferedInputStream(new Counting(Files.newInputStream(file), bytesRead), 1 << 16);
        boolean gzip;
        try {
            in.mark(2);
            gzip = in.read() == GZIP_MAGIC_1 && in.read() == GZIP_MAGIC_2;
            in.reset();
        } catch (IOException e) {
            in.close();
            throw e;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!gzip && (name.endsWith(".gz") || name.endsWith(".tgz"))) {
            in.close();
            throw new CalmException("corrupt gzip file " + file + ": it does not start with the gzip magic bytes");
        }
        if (!gzip) {
            return in;
        }
        try {
            // concatenated members read as one stream, like gzip -d (the deprecated (in, true) constructor)
            return new Guarded(GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true)
                    .get(), file);
        } catch (IOException e) {
            in.close();
            throw new CalmException("corrupt gzip file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param in bytes
     * @return a strict UTF-8 reader: malformed bytes are an error, not replacement characters
     */
    static BufferedReader utf8(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
    }

    /**
     * @param file the file being read
     * @param e what went wrong
     * @return a one-line exception naming the file
     */
    static CalmException failure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new CalmException("corpus file not found: " + file, e);
        }
        if (e instanceof AccessDeniedException) {
            return new CalmException("cannot read corpus file " + file + ": permission denied", e);
        }
        if (e instanceof CharacterCodingException) {
            return new CalmException("corpus file " + file + " is not valid UTF-8 text", e);
        }
        return new CalmException("cannot read corpus file " + file + ": " + e, e);
    }

    /** Reports the bytes read through it. */
    private static final class Counting extends FilterInputStream {

        private final LongConsumer bytesRead;

        Counting(InputStream in, LongConsumer bytesRead) {
            super(in);
            this.bytesRead = bytesRead;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytesRead.accept(n);
            }
            return n;
        }
    }

    /** Turns read errors of the decompressor into a message that names the file. */
    private static final class Guarded extends FilterInputStream {

        private final Path file;

        Guarded(InputStream in, Path file) {
            super(in);
            this.file = file;
        }

        private CalmException corrupt(IOException e) {
            String what = e instanceof EOFException ? "unexpected end of data"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new CalmException("corrupt or truncated gzip file " + file + ": " + what, e);
        }

        @Override
        public int read() {
            try {
                return super.read();
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        @Override
        public long skip(long n) {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw corrupt(e);
            }
        }
    }
}
