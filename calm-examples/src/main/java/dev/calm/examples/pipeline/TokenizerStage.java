/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.pipeline;

import dev.calm.core.CalmException;
import dev.calm.core.data.CorpusStats;
import dev.calm.core.data.Document;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quickstart's tokenizer stage: a byte-level BPE vocabulary learned from the training split (or reused
 * from the run directory), and every corpus encoded into blocks of a multiple of K tokens.
 *
 * @param tokenizer the tokenizer, to be closed by the caller
 * @param blocks "train", then each held-out corpus by name, as token blocks
 */
public record TokenizerStage(Tokenizer tokenizer, Map<String, TokenBlocks> blocks) {

    /** Tokens per block of the commands that train and evaluate: a multiple of every K the presets use. */
    public static final int BLOCK_LENGTH = 256;
    /** K of the presets, which every block length must be a multiple of. */
    public static final int PATCH_SIZE = 4;
    /** Vocabulary of a new tokenizer when {@code --vocab} is not given. */
    public static final int DEFAULT_VOCAB = 4096;

    /**
     * Refuses a {@code --vocab} that disagrees with the run directory's tokenizer, before anything is written: the
     * tokenizer is reused (its models were trained with it), so the option would be silently ignored.
     *
     * @param runDir the run directory
     * @param vocabSize the {@code --vocab} given, or null
     */
    public static void checkVocabulary(Path runDir, Integer vocabSize) {
        Path file = runDir.resolve(RunModels.TOKENIZER);
        if (vocabSize == null || !Files.exists(file)) {
            return;
        }
        try (HfTokenizer existing = HfTokenizer.load(file)) {
            if (existing.vocabSize() != vocabSize) {
                throw new CalmException(file + " has " + existing.vocabSize() + " ids, not the " + vocabSize
                        + " of --vocab: drop --vocab to reuse it (its models were trained with it), or use another "
                        + "--run-dir");
            }
        }
    }

    /**
     * @param runDir where {@code tokenizer.json} is written or found
     * @param corpus the corpora
     * @param vocabSize ids in the vocabulary of a new tokenizer ({@link #DEFAULT_VOCAB} if null); an existing one
     *     is reused, and must have that many ids if it is given
     * @param blockLength tokens per block, a multiple of K
     * @param patchSize K
     * @param out where the statistics table is printed
     * @return the tokenizer and the blocks
     */
    public static TokenizerStage prepare(Path runDir, CorpusStage corpus, Integer vocabSize, int blockLength, int patchSize,
            PrintWriter out) {
        Path file = runDir.resolve(RunModels.TOKENIZER);
        HfTokenizer tokenizer;
        if (Files.exists(file)) {
            checkVocabulary(runDir, vocabSize);
            tokenizer = HfTokenizer.load(file);
            out.printf(Locale.ROOT, "tokenizer: reusing %s (%d ids)%n", file, tokenizer.vocabSize());
        } else {
            long start = System.nanoTime();
            tokenizer = BpeTrainer.trainAndLoad(corpus.split().train().stream().map(Document::text).toList(),
                    vocabSize == null ? DEFAULT_VOCAB : vocabSize, file);
            out.printf(Locale.ROOT, "tokenizer: byte-level BPE, %d ids, learned from the training split in %.1f s -> %s%n",
                    tokenizer.vocabSize(), (System.nanoTime() - start) / 1e9, file);
        }
        Map<String, List<Document>> all = new LinkedHashMap<>();
        all.put("train", corpus.split().train());
        all.putAll(corpus.heldOut());
        Map<String, TokenBlocks> blocks = new LinkedHashMap<>();
        out.printf(Locale.ROOT, "%n| corpus | documents | bytes | tokens | bytes/token | blocks of %d |%n", blockLength);
        out.println("|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<Document>> e : all.entrySet()) {
            TokenBlocks b = TokenBlocks.encode(e.getValue(), tokenizer::encode, tokenizer.eosId(), blockLength,
                    patchSize);
            CorpusStats s = b.stats();
            out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %.2f | %,d |%n", e.getKey(), s.documents(), s.bytes(),
                    s.tokens(), s.bytesPerToken(), b.numBlocks());
            blocks.put(e.getKey(), b);
        }
        out.println();
        return new TokenizerStage(tokenizer, blocks);
    }
}
