/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import dev.calm.core.data.DocumentSplit;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import dev.calm.eval.ReconstructionAccuracy;
import dev.calm.eval.ReconstructionEval;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generations;
import dev.calm.sampling.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library snippets (autoencoder, then CALM on it) with the same calls, at toy sizes: a generated
 * corpus, 300 ids, 3 steps each, and the output under a temporary directory.
 */
class ReadmeSnippetsTest {

    @BeforeAll
    static void oneThread() {
        Runs.oneThread();
    }

    @Test
    void readmeLibrarySnippetsRun(@TempDir Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        List<String> lines = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 300; w++) {
                text.append(Integer.toString(random.nextInt(5000), 36)).append(' ');
            }
            lines.add("{\"text\": \"" + text.toString().strip() + "\"}");
        }
        Files.write(dir.resolve("corpus.jsonl"), lines);
        String table;
        String continuation;
        double tokensPerSecond;
        String description;

        List<Document> docs = CorpusReader.read(dir.resolve("corpus.jsonl"));
        DocumentSplit split = DocumentSplit.of(docs, 0.05, 0);
        try (Tokenizer tok = BpeTrainer.train(split.train().stream().map(Document::text).toList(), 300)
                        .saveAndLoad(dir.resolve("tokenizer.json"));
                NDManager root = Backend.newManager(Device.auto())) {
            TokenBlocks train = TokenBlocks.encode(split.train(), tok::encode, tok.eosId(), 256, 4);
            TokenBlocks heldOut = TokenBlocks.encode(split.validation(), tok::encode, tok.eosId(), 256, 4);
            Autoencoder ae = new Autoencoder(AutoencoderConfig.cpu(tok.vocabSize()));
            ae.initialize(root, new Rng(0));
            TrainConfig config = TrainConfig.defaults(3).toBuilder().learningRate(6e-3).progressBar(false).build();
            new Trainer(new AutoencoderObjective(ae, 0.1), new ShuffledBlocks(train.toArray(), 8, 0), config,
                    dir.resolve("runs/ae")).fit();
            table = ReconstructionAccuracy.table(ReconstructionEval.sweep(
                    ae, heldOut.sample(64), 16, new double[] {0, 0.3}, new Rng(1)));

            Calm calm = new Calm(CalmConfig.small(tok.vocabSize()), ae);
            calm.initialize(root, new Rng(1));
            TrainConfig lm = TrainConfig.defaults(3).toBuilder().learningRate(1e-3).progressBar(false).build();
            new Trainer(new CalmObjective(calm), new ShuffledBlocks(train.toArray(), 16, 0), lm,
                    dir.resolve("runs/calm")).fit();
            Generations g = new Generator(calm, tok.eosId()).generate(tok, List.of("The jury said"),
                    GenerationConfig.of(48).withTemperature(0.5), new Rng(2));              // batched, KV cache
            BrierLM.Result brier = new BrierEvaluator(calm).evaluate(heldOut.sample(16), 8, new Rng(3));
            continuation = g.first().text(tok);
            tokensPerSecond = g.tokensPerSecond();
            description = brier.describe();
        }
        assertEquals(4, table.lines().count(), table);
        assertTrue(table.contains("| 0.30 |"), table);
        assertTrue(Files.exists(dir.resolve("runs/ae/metrics.jsonl")));
        assertTrue(Files.exists(dir.resolve("runs/calm/metrics.jsonl")));
        assertTrue(tokensPerSecond > 0 && continuation != null, continuation);
        assertTrue(description.contains("Brier-4") && description.contains("BrierLM"), description);
    }
}
