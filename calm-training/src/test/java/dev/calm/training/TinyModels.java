/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.SharedData;
import dev.calm.core.data.Document;
import dev.calm.core.data.DocumentSplit;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.llama.Transformer;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.nn.Init;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.EnergyFixtures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small models and objectives for the trainer's tests. */
final class TinyModels {

    private TinyModels() {}

    /** A 1-layer backbone over 16 token ids: fast enough for hundreds of steps in a test. */
    static TransformerConfig lmConfig() {
        return new TransformerConfig(16, 32, 64, 1, 4, 2, 32, 10000, 1e-6);
    }

    /** Two parameters of two elements each, one with weight decay ("w") and one without ("b"). */
    static final class Pair extends Module {
        final Parameter w;
        final Parameter b;

        Pair(float[] w0, float[] b0) {
            w = parameter("w", new Shape(2), constant(w0), true);
            b = parameter("b", new Shape(2), constant(b0), false);
        }

        private static Init constant(float[] values) {
            return (manager, shape, rng) -> manager.create(values, shape);
        }
    }

    /** Next-token cross-entropy through a tiny Transformer, with optional dropout on the hidden states. */
    static final class LanguageModel implements Objective {
        private final Transformer model;
        private final float dropout;

        LanguageModel(NDManager root, long initSeed, float dropout) {
            this.model = new Transformer(lmConfig());
            this.model.initialize(root, new Rng(initSeed));
            this.dropout = dropout;
        }

        Transformer transformer() {
            return model;
        }

        @Override
        public Module model() {
            return model;
        }

        @Override
        public TrainingLoss loss(NDArray batch, Rng rng) {
            long t = batch.getShape().get(1);
            NDArray input = batch.get(":, 0:{}", t - 1); // [B, T-1]
            NDArray target = batch.get(":, 1:"); // [B, T-1]
            NDArray hidden = model.forwardTokens(input, null); // [B, T-1, d]
            if (dropout > 0) {
                NDArray keep = rng.bernoulli(batch.getManager(), hidden.getShape(), 1 - dropout);
                hidden = hidden.mul(keep).div(Backend.scalar(hidden, 1 - dropout));
            }
            NDArray ce = Losses.crossEntropy(model.embedTokens().logits(hidden), target); // scalar
            Map<String, NDArray> metrics = new LinkedHashMap<>();
            metrics.put("ce", ce);
            metrics.put("hidden_rms", hidden.square().mean().sqrt());
            return new TrainingLoss(ce, metrics);
        }
    }

    /** Wraps an objective and follows (or changes) the result of each forward pass, before its backward pass. */
    abstract static class AfterForward implements Objective {
        private final Objective inner;

        AfterForward(Objective inner) {
            this.inner = inner;
        }

        @Override
        public Module model() {
            return inner.model();
        }

        @Override
        public double flopsPerToken(Shape batch) {
            return inner.flopsPerToken(batch);
        }

        @Override
        public TrainingLoss loss(NDArray batch, Rng rng) {
            return afterForward(inner.loss(batch, rng));
        }

        /**
         * @param out the wrapped objective's result
         * @return what the trainer gets
         */
        abstract TrainingLoss afterForward(TrainingLoss out);
    }

    /** Wraps an objective and multiplies its loss by NaN at chosen calls (from 1). */
    static final class NaNAt extends AfterForward {
        private final Set<Integer> calls;
        private int call;

        NaNAt(Objective inner, Set<Integer> calls) {
            super(inner);
            this.calls = calls;
        }

        @Override
        TrainingLoss afterForward(TrainingLoss out) {
            if (calls.contains(++call)) {
                return new TrainingLoss(out.loss().mul(Float.NaN), out.metrics());
            }
            return out;
        }
    }

    /** The tiny CALM's autoencoder: K 4 over the 16 ids of {@link Runs#chunkData}, d 32, l 8. */
    static AutoencoderConfig tinyAutoencoderConfig() {
        return EnergyFixtures.autoencoderConfig(4, 16, 32, 64, 8);
    }

    /**
     * @param root the manager of its parameters
     * @param seed the initialisation seed
     * @return an initialised (untrained) tiny autoencoder
     */
    static Autoencoder tinyAutoencoder(NDManager root, long seed) {
        return EnergyFixtures.autoencoder(tinyAutoencoderConfig(), root, seed);
    }

    /** Vocabulary of the BPE trained on {@link #brownSlice}. */
    static final int BROWN_VOCAB = 512;

    /**
     * Token blocks of a slice of real text.
     *
     * @param train training blocks
     * @param heldOut evaluation blocks from held-out documents
     */
    record TextSlice(int[][] train, int[][] heldOut) {}

    /**
     * The first 60 Brown documents, 90/10 by document, a {@link #BROWN_VOCAB}-id BPE trained on the training
     * part, blocks of 64 tokens (a multiple of K 4), and up to 64 held-out blocks. Skips when brown.jsonl is absent.
     *
     * @param dir where the tokenizer is written
     * @return the slice
     */
    static TextSlice brownSlice(Path dir) {
        List<Document> slice = SharedData.documents("brown.jsonl").subList(0, 60);
        DocumentSplit split = DocumentSplit.of(slice, 0.1, 1);
        try (Tokenizer tokenizer = BpeTrainer.train(split.train().stream().map(Document::text).toList(), BROWN_VOCAB)
                .saveAndLoad(dir.resolve("tokenizer.json"))) {
            TokenBlocks train = TokenBlocks.encode(split.train(), tokenizer::encode, tokenizer.eosId(), 64, 4);
            TokenBlocks heldOut = TokenBlocks.encode(split.validation(), tokenizer::encode, tokenizer.eosId(), 64, 4);
            return new TextSlice(train.toArray(), heldOut.sample(64));
        }
    }

    /** K 4, d 128, l 32: the paper's autoencoder and objective at toy width, over {@link #BROWN_VOCAB} ids. */
    static AutoencoderConfig brownAutoencoderConfig() {
        return EnergyFixtures.autoencoderConfig(4, BROWN_VOCAB, 128, 320, 32);
    }

    /**
     * @param root the owner of the parameters
     * @return an autoencoder of {@link #brownAutoencoderConfig}, initialised from seed 3 (untrained)
     */
    static Autoencoder brownAutoencoder(NDManager root) {
        Autoencoder ae = new Autoencoder(brownAutoencoderConfig());
        ae.initialize(root, new Rng(3));
        return ae;
    }

    /**
     * Trains an autoencoder with the recipe of {@link BrownTrainingTest}: 300 steps of 16 blocks, lr 6e-3
     * with 20 warm-up steps and a cosine decay, 10% random chunks (about 97% held-out token accuracy on
     * {@link #brownSlice}, ~26 s on one thread).
     *
     * @param ae an initialised autoencoder, e.g. of {@link #brownAutoencoderConfig}
     * @param train training blocks
     * @param runDir the run directory
     * @return how the run ended
     */
    static TrainResult trainAutoencoder(Autoencoder ae, int[][] train, Path runDir) {
        TrainConfig config = TrainConfig.defaults(300).toBuilder().seed(5).learningRate(6e-3).warmupSteps(20)
                .lrShape(LearningRateSchedule.Shape.COSINE).logEvery(50).checkpointEvery(0).progressBar(false).build();
        return new Trainer(new AutoencoderObjective(ae, 0.1), new ShuffledBlocks(train, 16, 5), config, runDir)
                .fit();
    }
}
