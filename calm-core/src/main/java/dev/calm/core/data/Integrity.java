/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Subresource-integrity strings as npm writes them ({@code dist.integrity}): {@code sha512-} followed by the
 * base64 of the SHA-512 digest of the package tarball.
 */
public final class Integrity {

    private static final String SHA512 = "sha512-";

    private Integrity() {}

    /**
     * @param file any file
     * @return {@code sha512-<base64>} of its bytes
     */
    public static String sha512(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-512", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (NoSuchFileException e) {
            throw new CalmException("file not found: " + file, e);
        } catch (IOException e) {
            throw new CalmException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return SHA512 + Base64.getEncoder().encodeToString(digest.digest());
    }

    /**
     * @param file a file
     * @param expected an integrity string; if it lists several hashes (space-separated), one SHA-512 must match
     * @return whether the file's SHA-512 matches
     */
    public static boolean matches(Path file, String expected) {
        checkFormat(expected);
        String actual = sha512(file);
        for (String hash : expected.trim().split("\\s+")) {
            if (hash.equals(actual)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param file a file
     * @param expected an integrity string
     * @throws CalmException naming the file, the expected and the actual hash when they differ
     */
    public static void verify(Path file, String expected) {
        if (!matches(file, expected)) {
            throw new CalmException("integrity mismatch for " + file + ": expected " + expected + ", got " + sha512(file));
        }
    }

    /**
     * @param integrity an integrity string
     * @throws CalmException unless it contains a {@code sha512-} hash
     */
    static void checkFormat(String integrity) {
        if (integrity == null || !(" " + integrity.trim()).contains(" " + SHA512)) {
            throw new CalmException("integrity must be a 'sha512-<base64>' string, got " + integrity);
        }
    }
}
