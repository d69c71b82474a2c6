/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.CalmException;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardIndex;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.core.data.shards.TokenizerIdentity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A corpus that {@code calm prepare} tokenised into sharded datasets, read by the training commands in place of the
 * corpus and tokenizer stages: its {@value CorpusPreparer#TRAIN} dataset is streamed (memory-mapped) and its
 * {@value CorpusPreparer#VALIDATION} dataset is the held-out split. The run's tokenizer must be the one the corpus
 * was prepared with (same SHA-256, vocabulary and end-of-text id).
 *
 * @param directory the preparation's output directory
 * @param train the training dataset
 * @param validation the held-out dataset
 */
public record PreparedCorpus(Path directory, ShardedDataset train, ShardedDataset validation) {

    /**
     * Whether a {@code --data} argument names a prepared corpus rather than text: the output directory of
     * {@code calm prepare} (finished or not), one of its datasets' directories, or a dataset's {@code index.json}.
     *
     * @param data the argument
     * @return whether it is a prepared corpus
     */
    public static boolean isPrepared(Path data) {
        return data != null && directoryOf(data) != null;
    }

    /** The preparation's output directory that {@code data} names, or null when it names none. */
    private static Path directoryOf(Path data) {
        Path path = data.toAbsolutePath().normalize();
        if (Files.isRegularFile(path) && path.getFileName().toString().equals(ShardIndex.FILE)) {
            path = path.getParent();
        }
        if (!Files.isDirectory(path)) {
            return null;
        }
        if (ShardIndex.exists(path.resolve(CorpusPreparer.TRAIN)) || Files.exists(path.resolve(CorpusPreparer.STATE))) {
            return path;
        }
        if (ShardIndex.exists(path) && path.getParent() != null) {
            return path.getParent();
        }
        return null;
    }

    /**
     * Checks, from the indices alone, that a prepared corpus is whole, has a held-out split and was tokenised by
     * the given tokenizer: what a command checks before it touches its run directory.
     *
     * @param data a {@code --data} argument that {@link #isPrepared} accepts
     * @param tokenizer the identity of the run's tokenizer
     * @param source where the run's tokenizer comes from, for the message
     * @return what is wrong, in one line, or null
     */
    public static String problem(Path data, TokenizerIdentity tokenizer, String source) {
        Path dir = directoryOf(data);
        Path train = dir.resolve(CorpusPreparer.TRAIN);
        if (!ShardIndex.exists(train) || Files.exists(dir.resolve(CorpusPreparer.STATE))) {
            return "--data " + data + ": the preparation did not finish (no " + train.resolve(ShardIndex.FILE)
                    + ", or " + CorpusPreparer.STATE + " left): run calm prepare again to finish it";
        }
        if (!ShardIndex.exists(dir.resolve(CorpusPreparer.VALIDATION))) {
            return "--data " + data + " has no " + CorpusPreparer.VALIDATION + " dataset (prepared with "
                    + "--validation-fraction 0): prepare it with a fraction > 0, the held-out split of the training";
        }
        for (String split : new String[] {CorpusPreparer.TRAIN, CorpusPreparer.VALIDATION}) {
            TokenizerIdentity theirs;
            try {
                theirs = ShardIndex.read(dir.resolve(split)).tokenizer();
            } catch (CalmException e) {
                return "--data " + data + ": " + e.getMessage();
            }
            if (!theirs.equals(tokenizer)) {
                return "--data " + data + " was prepared with another tokenizer (sha256 " + theirs.shortHash()
                        + "..., " + theirs.vocabSize() + " ids, end-of-text " + theirs.eosId() + ") than " + source
                        + " (sha256 " + tokenizer.shortHash() + "..., " + tokenizer.vocabSize() + " ids, end-of-text "
                        + tokenizer.eosId() + "): prepare it again with --tokenizer " + source;
            }
        }
        return null;
    }

    /**
     * Opens a prepared corpus, verifying every shard against its index (sizes, headers, footers and, with
     * {@link ShardedDataset.Verification#CHECKSUMS}, the checksum of every byte).
     *
     * @param data a {@code --data} argument that {@link #isPrepared} accepts
     * @param tokenizer the identity of the run's tokenizer
     * @param source where the run's tokenizer comes from, for the message
     * @param verification how much of each shard is read to check it
     * @return the corpus
     * @throws CalmException naming the problem ({@link #problem}, or the first shard that disagrees)
     */
    public static PreparedCorpus open(Path data, TokenizerIdentity tokenizer, String source,
            ShardedDataset.Verification verification) {
        String problem = isPrepared(data) ? problem(data, tokenizer, source) : "--data " + data
                + " is not a prepared corpus";
        if (problem != null) {
            throw new CalmException(problem);
        }
        Path dir = directoryOf(data);
        ShardedDataset train = ShardedDataset.open(dir.resolve(CorpusPreparer.TRAIN), verification);
        ShardedDataset validation = ShardedDataset.open(dir.resolve(CorpusPreparer.VALIDATION), verification);
        train.requireTokenizer(tokenizer, source);
        validation.requireTokenizer(tokenizer, source);
        return new PreparedCorpus(dir, train, validation);
    }

    /**
     * The splits as the stages read them, "train" then "validation", in blocks of {@link TokenizerStage#BLOCK_LENGTH}
     * aligned to {@link TokenizerStage#PATCH_SIZE}, and a summary of them printed.
     *
     * @param out where the summary is printed
     * @return the splits by name
     */
    public Map<String, SplitBlocks> blocks(PrintWriter out) {
        Map<String, SplitBlocks> blocks = new LinkedHashMap<>();
        out.printf(Locale.ROOT, "%n| prepared dataset | documents | tokens | blocks of %d |%n",
                TokenizerStage.BLOCK_LENGTH);
        out.println("|---|---:|---:|---:|");
        Map<String, ShardedDataset> datasets = new LinkedHashMap<>();
        datasets.put(CorpusPreparer.TRAIN, train);
        datasets.put(CorpusPreparer.VALIDATION, validation);
        for (Map.Entry<String, ShardedDataset> e : datasets.entrySet()) {
            ShardedDataset d = e.getValue();
            SplitBlocks split = SplitBlocks.streamed(d, TokenizerStage.BLOCK_LENGTH, TokenizerStage.PATCH_SIZE);
            out.printf(Locale.ROOT, "| %s (%d shard(s), memory-mapped) | %,d | %,d | %,d |%n", d.directory(),
                    d.index().shards().size(), d.numDocuments(), d.numTokens(), split.numBlocks());
            blocks.put(e.getKey(), split);
        }
        out.println();
        return blocks;
    }
}
