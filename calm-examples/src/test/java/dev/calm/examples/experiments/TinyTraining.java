/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.data.DocumentSplit;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.EnergyFixtures;
import dev.calm.experiment.Experiment;
import dev.calm.experiment.MetricsRecorder;
import dev.calm.training.Objective;
import dev.calm.training.ShuffledBlocks;
import dev.calm.training.StepMetrics;
import dev.calm.training.Trainer;
import dev.calm.training.TrainConfig;
import dev.calm.training.TrainResult;
import dev.calm.training.TrainingHook;
import java.util.Map;

/** Data, models and a quiet training run at the size of the experiments: seconds per model on one thread. */
final class TinyTraining {

    /** Every block is 32 tokens: whole chunks for K in {1, 2, 4, 8}. */
    static final int BLOCK = 32;

    /** The latent size l of every tiny autoencoder. */
    static final int LATENT = 16;

    /** BPE ids of the counting corpus: end-of-text, the 256 bytes, and the 22 merges it has (one token per number). */
    static final int COUNTING_VOCAB = 279;

    /** Steps between two points of a logged loss curve. */
    private static final int CURVE_EVERY = 10;

    private TinyTraining() {}

    /**
     * Blocks of a corpus split by document.
     *
     * @param vocabSize the tokenizer's number of ids
     * @param train training blocks, [n][{@link #BLOCK}]
     * @param heldOut blocks of held-out documents, [m][{@link #BLOCK}]
     */
    record Data(int vocabSize, int[][] train, int[][] heldOut) {}

    /**
     * The experiment's counting corpus, 90/10 by document, with a BPE trained on it in the run directory.
     *
     * @param experiment the experiment
     * @param patchSize K
     * @return the blocks
     */
    static Data counting(Experiment experiment, int patchSize) {
        TinyCorpus corpus = experiment.counting();
        Tokenizer tokenizer = experiment.tokenizer(corpus, COUNTING_VOCAB);
        DocumentSplit split = corpus.split(0.1, experiment.seed());
        TokenBlocks train = TokenBlocks.encode(split.train(), tokenizer::encode, tokenizer.eosId(), BLOCK, patchSize);
        TokenBlocks heldOut = TokenBlocks.encode(split.validation(), tokenizer::encode, tokenizer.eosId(), BLOCK,
                patchSize);
        return new Data(tokenizer.vocabSize(), train.toArray(), heldOut.toArray());
    }

    /**
     * An autoencoder at the experiments' size: d 32, intermediate 64, 2 + 2 layers, l {@link #LATENT}, the paper's
     * regularisation.
     *
     * @param vocabSize number of token ids
     * @param patchSize K
     * @return the config
     */
    static AutoencoderConfig autoencoderConfig(int vocabSize, int patchSize) {
        return EnergyFixtures.autoencoderConfig(patchSize, vocabSize, 32, 64, LATENT);
    }

    /**
     * Trains with AdamW (20 warm-up steps, then a constant rate) on batches of 16 blocks, no checkpoints, and logs
     * the loss every {@value #CURVE_EVERY} steps into the experiment's metrics as {@code <name>_loss}.
     *
     * @param objective the objective, its model initialised in the experiment's manager
     * @param train training blocks
     * @param steps optimizer steps
     * @param learningRate peak learning rate
     * @param name the model's name in the metrics and the run directory
     * @param experiment the experiment
     * @return how the run ended
     */
    static TrainResult fit(Objective objective, int[][] train, int steps, double learningRate, String name,
            Experiment experiment) {
        TrainConfig config = TrainConfig.defaults(steps).toBuilder().seed(experiment.seed()).learningRate(learningRate)
                .warmupSteps(20).logEvery(steps).checkpointEvery(0).progressBar(false).build();
        MetricsRecorder metrics = experiment.metrics();
        return new Trainer(objective, new ShuffledBlocks(train, 16, experiment.seed()), config,
                experiment.runDir().resolve(name))
                .addHook(new TrainingHook() {
                    @Override
                    public void onStep(StepMetrics m) {
                        if (m.step() % CURVE_EVERY == 0 || m.step() == 1) {
                            metrics.log(m.step(), Map.of(name + "_loss", m.loss()));
                        }
                    }
                })
                .fit();
    }
}
