/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.calm.core.CalmException;
import dev.calm.core.OfficialFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of real {@code torch.save} archives: 10,000 of the pickle alone and 1,000 of whole files.
 * Each must load or fail with one {@link CalmException} that names the file: never another exception, a crash, or
 * a hang (the whole run is bounded in time).
 */
class TorchCheckpointFuzzTest {

    private static final int PICKLE_MUTATIONS = 10_000;
    private static final int FILE_MUTATIONS = 1_000;
    /**
     * A bound that only a hang exceeds: each run takes seconds (8 s for both in the full suite on the project's
     * machine) but the machine is shared, and a niced test JVM may get a small share of its 2 cores.
     */
    private static final int HANG_BOUND_MINUTES = 10;

    @Test
    void mutatedPicklesFailWithOneNamedError() throws IOException {
        byte[] pickle;
        try (ZipFile zip = new ZipFile(OfficialFixtures.path("calm/pytorch_model.bin").toFile())) {
            ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith("data.pkl")).findFirst().orElseThrow();
            pickle = zip.getInputStream(entry).readAllBytes();
        }
        byte[] original = pickle;
        SplittableRandom random = new SplittableRandom(17);
        assertTimeoutPreemptively(Duration.ofMinutes(HANG_BOUND_MINUTES), () -> {
            int failures = 0;
            for (int i = 0; i < PICKLE_MUTATIONS; i++) {
                byte[] mutated = mutate(original, random);
                try {
                    RestrictedUnpickler.load(mutated, "case " + i);
                } catch (CalmException e) {
                    failures++;
                    assertNamed(e, "case " + i);
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    fail("mutation " + i + " threw " + e);
                }
            }
            assertTrue(failures > PICKLE_MUTATIONS / 2, "most mutations must be rejected, got " + failures);
        });
    }

    @Test
    void mutatedArchivesFailWithOneNamedError(@TempDir Path dir) throws IOException {
        byte[] original = Files.readAllBytes(OfficialFixtures.path("torch/views.bin"));
        SplittableRandom random = new SplittableRandom(23);
        Path file = dir.resolve("mutated.bin");
        assertTimeoutPreemptively(Duration.ofMinutes(HANG_BOUND_MINUTES), () -> {
            for (int i = 0; i < FILE_MUTATIONS; i++) {
                Files.write(file, mutate(original, random));
                try (TorchCheckpointReader reader = TorchCheckpointReader.open(file)) {
                    reader.names().forEach(reader::readBytes);
                } catch (CalmException e) {
                    assertNamed(e, file.toString());
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    fail("mutation " + i + " threw " + e);
                }
            }
        });
    }

    private static void assertNamed(CalmException e, String prefix) {
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** One to four byte changes, a truncation, or a duplicated run, seeded. */
    static byte[] mutate(byte[] bytes, SplittableRandom random) {
        byte[] out = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                int n = 1 + random.nextInt(4);
                for (int j = 0; j < n; j++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
            case 2 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            default -> {
                int from = random.nextInt(out.length);
                int length = 1 + random.nextInt(Math.min(16, out.length - from));
                byte[] longer = new byte[out.length + length];
                System.arraycopy(out, 0, longer, 0, from + length);
                System.arraycopy(out, from, longer, from + length, out.length - from);
                out = longer;
            }
        }
        return out;
    }
}
