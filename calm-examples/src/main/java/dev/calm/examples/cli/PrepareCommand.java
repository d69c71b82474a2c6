/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import dev.calm.core.data.CorpusFiles;
import dev.calm.core.data.shards.CorpusPreparer;
import dev.calm.core.data.shards.ShardIndex;
import dev.calm.core.data.shards.TokenizerIdentity;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.training.TaskProgress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm prepare}: tokenises a corpus once into sharded token datasets ({@code <out>/train/} and
 * {@code <out>/validation/}, see {@link dev.calm.core.data.shards.ShardFormat}) on all local cores, with a progress
 * bar over the corpus bytes. Interrupted, it resumes: run the same command again and the finished shards are kept.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Tokenise a corpus into sharded token datasets (<out>/train, <out>/validation) for streaming.")
final class PrepareCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", description = "the corpus: a .jsonl/.txt file (optionally .gz), a directory, or a "
            + "glob such as 'corpus/*.jsonl.gz' (quote it); required")
    private String data;

    @Option(names = "--tokenizer", description = "the tokenizer.json (or a directory holding one); required")
    private Path tokenizer;

    @Option(names = {"-o", "--out"}, description = "the output directory; required")
    private Path out;

    @Option(names = "--shard-tokens", defaultValue = "100000000",
            description = "token ids per shard, about (default: ${DEFAULT-VALUE})")
    private long shardTokens;

    @Option(names = "--validation-fraction", defaultValue = "0.05",
            description = "share of documents held out, in [0, 1); 0 for no validation dataset (default: ${DEFAULT-VALUE})")
    private double validationFraction;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the train/validation split (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--threads", description = "encoding threads (default: the number of cores)")
    private Integer threads;

    @Override
    public Integer call() {
        validate();
        Path file = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
        CorpusFiles corpus = CorpusFiles.of(data);
        PrintWriter console = spec.commandLine().getOut();
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (HfTokenizer tok = HfTokenizer.load(file);
                TaskProgress bar = TaskProgress.open("prepare", corpus.bytes(), "B")) {
            TokenizerIdentity identity = TokenizerIdentity.of(file, tok);
            console.printf(Locale.ROOT, "preparing %d corpus file(s), %,d bytes, with %s (%d ids, sha256 %s...) on %d "
                    + "threads -> %s%n", corpus.files().size(), corpus.bytes(), file, identity.vocabSize(),
                    identity.shortHash(), cores, out);
            console.flush();
            long start = System.nanoTime();
            long[] tokens = {0};
            CorpusPreparer.Result result = CorpusPreparer.prepare(corpus, tok, identity, out,
                    new CorpusPreparer.Options(shardTokens, validationFraction, seed, cores),
                    (bytes, documents, ids) -> {
                        bar.stepBy(bytes);
                        tokens[0] += ids;
                    });
            double seconds = (System.nanoTime() - start) / 1e9;
            if (result.resumed()) {
                console.printf(Locale.ROOT, "resumed: %,d documents were already in finished shards%n",
                        result.skippedDocuments());
            }
            for (Map.Entry<String, ShardIndex> e : result.datasets().entrySet()) {
                ShardIndex index = e.getValue();
                console.printf(Locale.ROOT, "%s: %,d documents, %,d tokens in %d shard(s) of uint%d -> %s%n",
                        e.getKey(), index.documents(), index.tokens(), index.shards().size(), 8 * index.tokenBytes(),
                        out.resolve(e.getKey()));
            }
            console.printf(Locale.ROOT, "%,d tokens written in %.1f s (%,.0f tokens/s)%n", tokens[0], seconds,
                    tokens[0] / Math.max(seconds, 1e-9));
        }
        console.flush();
        return 0;
    }

    private void validate() {
        if (data == null) {
            throw usage("--data is required: the corpus file, directory or glob");
        }
        if (tokenizer == null) {
            throw usage("--tokenizer is required: the tokenizer.json to encode with");
        }
        if (!Files.exists(tokenizer)) {
            throw usage("--tokenizer " + tokenizer + " does not exist");
        }
        if (out == null) {
            throw usage("--out is required: the directory the datasets go to");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw usage("--out " + out + " is a file, not a directory");
        }
        if (shardTokens <= 0) {
            throw usage("--shard-tokens must be > 0, got " + shardTokens);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw usage("--validation-fraction must be in [0, 1), got " + validationFraction);
        }
        if (threads != null && threads < 1) {
            throw usage("--threads must be >= 1, got " + threads);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
