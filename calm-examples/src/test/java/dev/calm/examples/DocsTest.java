/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.examples.cli.CalmCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/*.md name only classes, files, commands and options that exist ({@link DocReferences} has
 * the rules), and the checker finds a wrong name of each kind.
 */
class DocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static DocReferences references;

    @BeforeAll
    static void readTheSources() {
        references = new DocReferences(ROOT, DocReferences.declaredTypes(ROOT), CalmCli.newCommandLine());
    }

    @Test
    void everyDocNamesOnlyWhatExists() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        assertTrue(docs.size() >= 5, "README.md and docs/*.md: " + docs);
        List<DocReferences.Problem> problems = new ArrayList<>();
        for (Path doc : docs) {
            problems.addAll(references.check(doc));
        }
        assertEquals(List.of(), problems, "names in the docs that do not exist");
    }

    @Test
    void findsAClassThatDoesNotExist() {
        assertEquals(List.of("t.md:2: no type Generater", "t.md:3: Generator has no member thread",
                        "t.md:3: no type NoSuchRecord"),
                problems("Fine: `Generator`, `Generator.threads`, `BrierLM.Result`, `@CalmExperiment`, `NDManager`.\n"
                        + "Wrong: `Generater`.\n"
                        + "Wrong: `Generator.thread`, `NoSuchRecord(a, b)`; not names: `K`, `BF16`, `x.mul(2)`."));
    }

    @Test
    void findsAFileThatDoesNotExist() {
        assertEquals(List.of("t.md:1: no file calm-core/src/main/java/dev/calm/core/Rgn.java",
                        "t.md:2: no file src/test/python/no_such.py in any module", "t.md:3: no file scripts/chaos.bash",
                        "t.md:4: no class dev.calm.examples.heads.NoHead"),
                problems("`calm-core/src/main/java/dev/calm/core/Rgn.java` but `calm-core/src/main/java/dev/calm/core/Rng.java`\n"
                        + "`src/test/python/no_such.py`, `src/test/python/make_official_fixtures.py`\n"
                        + "`scripts/chaos.bash`, and a run's file `autoencoder/latent-geometry.json` is not checked\n"
                        + "`dev.calm.examples.heads.NoHead`, `dev.calm.examples.heads.LaplaceNoiseEnergyHead`, `dev.calm.sampling`"));
    }

    @Test
    void findsALinkToAMissingFileOrHeading() {
        assertEquals(List.of("t.md:1: link to a missing file docs/nothing.md",
                        "t.md:2: link to a missing heading docs/measured.md#no-such-section"),
                problems("[a](docs/nothing.md), [b](docs/measured.md#soak), [c](https://example.com/x.md)\n"
                        + "[d](docs/measured.md#no-such-section)"));
    }

    @Test
    void findsACommandOrOptionThatDoesNotExist() {
        assertEquals(List.of("t.md:1: 'calm' has no command train-autoencoder",
                        "t.md:2: 'calm tokenizer' has no command learn", "t.md:3: 'calm train' has no option --modle",
                        "t.md:6: 'calm' has no command quickstrat"),
                problems("`calm train-autoencoder` but `calm train-ae` and `calm tokenizer train`\n"
                        + "`calm tokenizer learn`, `calm <command> --help`\n"
                        + "`calm train --modle calm`, `calm train --model calm`, `calm inspect PATH`\n"
                        + "```bash\n"
                        + "./calm generate --model-dir CALM-M -p \"The city\" -t 0.5   # comment\n"
                        + "./calm quickstrat\n"
                        + "```"));
    }

    @Test
    void computesHeadingAnchorsAsGitHubDoes() {
        assertEquals(Set.of("performance-notes-2-core-cpu-djl-036-libtorch-271", "soak", "soak-1"),
                DocReferences.anchors("### Performance notes (2-core CPU, DJL 0.36, libtorch 2.7.1)\n## Soak\n## Soak\n"
                        + "```\n# not a heading\n```\n"));
    }

    private static List<String> problems(String markdown) {
        return references.check("t.md", ROOT, markdown).stream().map(DocReferences.Problem::toString).toList();
    }
}
