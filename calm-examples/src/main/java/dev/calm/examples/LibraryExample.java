/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import dev.calm.core.data.DocumentSplit;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.io.FileTrees;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.eval.ReconstructionEval;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generator;
import dev.calm.training.AutoencoderObjective;
import dev.calm.training.CalmObjective;
import dev.calm.training.Objective;
import dev.calm.training.ShuffledBlocks;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainResult;
import dev.calm.training.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The whole method in one plain {@code main}, using the library as a Maven dependency would (no command-line
 * framework): read a corpus, train a tokenizer, a tiny autoencoder (stage 1) and a tiny CALM (stage 2), then
 * print BrierLM on held-out documents (beside the best Brier-1 of a sampler that ignores the context,
 * {@link ContextBlind}) and a generated continuation.
 *
 * <pre>
 * java dev.calm.examples.LibraryExample [corpus] [steps]
 * </pre>
 *
 * {@code corpus} is any file or directory {@link CorpusReader} reads ({@code .jsonl}, {@code .txt}, ...); without
 * it, or with {@code -}, a built-in tiny corpus of English-like sentences is used. {@code steps} are the training
 * steps of each model (default 300). At this size the numbers show that the pipeline runs, not a good model.
 */
public final class LibraryExample {

    private static final long SEED = 1;
    private static final int VOCAB_SIZE = 512;
    private static final int K = 4;
    private static final int LATENT = 16;
    private static final int BLOCK = 32;

    private LibraryExample() {}

    /**
     * @param args optionally a corpus path (or {@code -}) and the training steps of each model
     */
    public static void main(String[] args) {
        if (args.length > 2 || (args.length == 2 && !args[1].matches("[1-9][0-9]*"))) {
            System.err.println("usage: LibraryExample [corpus] [steps]");
            System.exit(2);
        }
        Path corpus = args.length == 0 || args[0].equals("-") ? null : Path.of(args[0]);
        int steps = args.length == 2 ? Integer.parseInt(args[1]) : 300;
        run(corpus, steps, System.out);
    }

    /**
     * Runs the example.
     *
     * @param corpus a corpus file or directory, or null for the built-in tiny corpus
     * @param steps training steps of each model
     * @param out where the results are printed
     */
    public static void run(Path corpus, int steps, PrintStream out) {
        List<Document> documents = corpus == null ? TinyCorpus.sentences(400, SEED).documents() : CorpusReader.read(corpus);
        DocumentSplit split = DocumentSplit.of(documents, 0.1, SEED);
        out.printf(Locale.ROOT, "corpus: %d documents, %d for training, %d held out%n", documents.size(),
                split.train().size(), split.validation().size());
        Rng rng = new Rng(SEED);
        Path work = createTempDirectory();
        // one thread while the example runs: tiny models are bound by per-operation overhead, not arithmetic
        try (Backend.ThreadScope threads = Backend.threads(1);
                Tokenizer tokenizer = BpeTrainer.train(split.train().stream().map(Document::text).toList(), VOCAB_SIZE)
                .saveAndLoad(work.resolve("tokenizer.json"));
                NDManager root = Backend.newManager(Device.cpu())) {
            int[][] train = blocks(split.train(), tokenizer).toArray();
            int[][] heldOut = blocks(split.validation(), tokenizer).sample(64);
            out.printf(Locale.ROOT, "tokenizer: %d ids; %d training blocks and %d held-out blocks of %d tokens%n",
                    tokenizer.vocabSize(), train.length, heldOut.length, BLOCK);

            // stage 1: the autoencoder compresses each chunk of K tokens into a vector of LATENT numbers
            // the paper's objective at toy width: d 64, intermediate 128, l LATENT
            Autoencoder ae = new Autoencoder(AutoencoderConfig.paper(tokenizer.vocabSize()).toBuilder().patchSize(K)
                    .hiddenSize(64).intermediateSize(128).latentSize(LATENT).build());
            ae.initialize(root, rng.fork("autoencoder"));
            TrainResult aeRun = train(new AutoencoderObjective(ae), train, steps, 6e-3, work.resolve("autoencoder"));
            double accuracy = ReconstructionEval.sweep(ae, heldOut, 8, new double[] {0}, rng.fork("reconstruction"))
                    .get(0).tokenAccuracy();
            out.printf(Locale.ROOT, "autoencoder: %d steps, final loss %.3f, held-out reconstruction accuracy %.3f%n",
                    aeRun.steps(), aeRun.finalLoss(), accuracy);

            // stage 2: CALM predicts the next chunk's vector with the energy head; the autoencoder is frozen
            Calm calm = new Calm(CalmConfig.tiny(tokenizer.vocabSize(), K, LATENT), ae);
            calm.initialize(root, rng.fork("calm"));
            TrainResult calmRun = train(new CalmObjective(calm), train, steps, 3e-3, work.resolve("calm"));
            out.printf(Locale.ROOT, "CALM: %d steps, final energy loss %.3f%n", calmRun.steps(), calmRun.finalLoss());

            BrierLM.Result brier = new BrierEvaluator(calm).evaluate(heldOut, 8, rng.fork("brier"));
            out.println("BrierLM: " + brier.describe());
            out.printf(Locale.ROOT, "a sampler that ignores the context: Brier-1 at most %.4f%n",
                    ContextBlind.brier1Bound(heldOut, K));

            String prompt = promptOf(split.validation().get(0).text());
            String continuation = new Generator(calm, tokenizer.eosId())
                    .generate(tokenizer, List.of(prompt), GenerationConfig.of(24), rng.fork("generate"))
                    .first().text(tokenizer);
            out.println("prompt: " + prompt);
            out.println("continuation: " + continuation);
        } finally {
            FileTrees.delete(work);
        }
    }

    private static TokenBlocks blocks(List<Document> documents, Tokenizer tokenizer) {
        return TokenBlocks.encode(documents, tokenizer::encode, tokenizer.eosId(), BLOCK, K);
    }

    private static TrainResult train(Objective objective, int[][] blocks, int steps, double learningRate, Path dir) {
        TrainConfig config = TrainConfig.defaults(steps).toBuilder().seed(SEED).learningRate(learningRate)
                .warmupSteps(Math.min(20, steps)).logEvery(Math.max(1, steps / 5)).checkpointEvery(0).build();
        return new Trainer(objective, new ShuffledBlocks(blocks, 16, SEED), config, dir).fit();
    }

    /** The first five words of a text. */
    private static String promptOf(String text) {
        String[] words = text.trim().split("\\s+");
        return String.join(" ", Arrays.asList(words).subList(0, Math.min(5, words.length)));
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("calm-library-example-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
