/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Rewrites {@code torch.save} archives for tests: their pickle patched, a record dropped; entries stay stored. */
final class TorchArchives {

    private TorchArchives() {}

    /** A copy of {@code from} whose data.pkl has {@code find} (ISO-8859-1 text of its bytes) replaced. */
    static Path patchPickle(Path from, Path to, String find, String replace) throws IOException {
        return rewrite(from, to, pickle -> {
            String text = new String(pickle, StandardCharsets.ISO_8859_1);
            if (!text.contains(find)) {
                throw new IllegalArgumentException("pattern not in the pickle: " + find);
            }
            return text.replace(find, replace).getBytes(StandardCharsets.ISO_8859_1);
        });
    }

    /** A copy of {@code from} with its data.pkl transformed. */
    static Path rewrite(Path from, Path to, UnaryOperator<byte[]> pickle) throws IOException {
        return copy(from, to, null, pickle);
    }

    /** A copy of {@code from} without one record. */
    static Path dropRecord(Path from, Path to, String record) throws IOException {
        return copy(from, to, record, UnaryOperator.identity());
    }

    private static Path copy(Path from, Path to, String drop, UnaryOperator<byte[]> pickle) throws IOException {
        try (ZipFile zip = new ZipFile(from.toFile()); OutputStream file = Files.newOutputStream(to);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.getName().equals(drop)) {
                    continue;
                }
                byte[] data = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().endsWith("data.pkl")) {
                    data = pickle.apply(data);
                }
                out.putNextEntry(stored(entry.getName(), data));
                out.write(data);
                out.closeEntry();
            }
        }
        return to;
    }

    /** A stored (uncompressed) entry, as torch.save writes. */
    static ZipEntry stored(String name, byte[] data) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        return entry;
    }
}
