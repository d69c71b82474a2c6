/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.tokenizer.BpeTrainer;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.core.tokenizer.Tokenizer;
import dev.calm.core.tokenizer.TrainedBpe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Small synthetic corpora for experiments and tests, made in milliseconds from a seed: the same seed gives the
 * same documents. Two kinds:
 *
 * <ul>
 *   <li>{@link #sentences}: English-like sentences of a tiny grammar (a few dozen words: "The small cat sees a
 *       red ball near the tree."), text with real word structure that a tiny model can partly learn;
 *   <li>{@link #counting}: numbers counting up mod a modulus from a random start ("13 14 15 0 1 2 ..."), a
 *       pattern a tiny model learns completely, so that accuracy and BrierLM can reach their maximum.
 * </ul>
 *
 * <pre>{@code
 * TinyCorpus corpus = TinyCorpus.counting(7);
 * try (Tokenizer tokenizer = corpus.trainTokenizer(300, dir.resolve("tokenizer.json"))) {
 *     TokenBlocks blocks = corpus.blocks(tokenizer, 32, 4);   // blocks of 32 tokens, K = 4
 * }
 * }</pre>
 */
public final class TinyCorpus {

    private static final String[] DETERMINERS = {"the", "a", "every", "one", "that"};
    private static final String[] ADJECTIVES = {"small", "red", "brave", "happy", "quiet", "big", "green", "tired"};
    private static final String[] NOUNS = {"cat", "dog", "bird", "child", "ball", "box", "tree", "house", "teacher",
        "river", "garden", "farmer"};
    private static final String[] TRANSITIVE = {"sees", "likes", "finds", "follows", "holds", "paints", "watches"};
    private static final String[] INTRANSITIVE = {"sleeps", "runs", "waits", "sings", "rests", "smiles"};
    private static final String[] PREPOSITIONS = {"on", "under", "near", "behind", "with", "beside"};

    private final String name;
    private final List<Document> documents;

    private TinyCorpus(String name, List<Document> documents) {
        this.name = name;
        this.documents = List.copyOf(documents);
    }

    /**
     * 80 documents of 2 to 5 sentences each (about 13 KB).
     *
     * @param seed the seed
     * @return the corpus
     */
    public static TinyCorpus sentences(long seed) {
        return sentences(80, seed);
    }

    /**
     * Documents of 2 to 5 sentences of the tiny grammar: sentence = noun phrase, then a transitive verb and a
     * noun phrase or an intransitive verb, then optionally a preposition and a noun phrase, and a full stop; a
     * noun phrase is a determiner, optionally an adjective, and a noun.
     *
     * @param documents the number of documents, at least 2 (so that the corpus can be split)
     * @param seed the seed
     * @return the corpus
     */
    public static TinyCorpus sentences(int documents, long seed) {
        checkDocuments(documents);
        SplittableRandom random = new Rng(seed).fork("sentences").javaRandom();
        List<Document> out = new ArrayList<>(documents);
        for (int d = 0; d < documents; d++) {
            StringBuilder text = new StringBuilder();
            int sentences = 2 + random.nextInt(4);
            for (int s = 0; s < sentences; s++) {
                if (s > 0) {
                    text.append(' ');
                }
                text.append(sentence(random));
            }
            out.add(new Document(String.format(Locale.ROOT, "sentences-%04d", d), text.toString()));
        }
        return new TinyCorpus("sentences", out);
    }

    /**
     * 128 documents counting mod 16 (about 11 KB).
     *
     * @param seed the seed
     * @return the corpus
     */
    public static TinyCorpus counting(long seed) {
        return counting(128, 16, seed);
    }

    /**
     * Documents that count up mod {@code modulus} from a random start, 24 to 48 numbers each, separated by single
     * spaces.
     *
     * @param documents the number of documents, at least 2
     * @param modulus the numbers are {@code 0 .. modulus - 1}, at least 2
     * @param seed the seed
     * @return the corpus
     */
    public static TinyCorpus counting(int documents, int modulus, long seed) {
        checkDocuments(documents);
        if (modulus < 2) {
            throw new CalmException("the counting modulus must be at least 2, got " + modulus);
        }
        SplittableRandom random = new Rng(seed).fork("counting").javaRandom();
        List<Document> out = new ArrayList<>(documents);
        for (int d = 0; d < documents; d++) {
            int start = random.nextInt(modulus);
            int length = 24 + random.nextInt(25);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    text.append(' ');
                }
                text.append((start + i) % modulus);
            }
            out.add(new Document(String.format(Locale.ROOT, "counting-%04d", d), text.toString()));
        }
        return new TinyCorpus("counting", out);
    }

    /** @return {@code sentences} or {@code counting} */
    public String name() {
        return name;
    }

    /** @return the documents, in order (immutable) */
    public List<Document> documents() {
        return documents;
    }

    /** @return the documents' texts, in order */
    public List<String> texts() {
        return documents.stream().map(Document::text).toList();
    }

    /**
     * @param validationFraction the share of documents held out, in (0, 1)
     * @param seed the split's seed
     * @return a training/validation split by document ({@link DocumentSplit#of})
     */
    public DocumentSplit split(double validationFraction, long seed) {
        return DocumentSplit.of(documents, validationFraction, seed);
    }

    /**
     * Trains a byte-level BPE on every document ({@link BpeTrainer}); a few milliseconds for the default sizes.
     *
     * @param vocabSize the ids wanted, at least 258; training stops earlier when no pair is left to merge
     * @return the vocabulary and merges
     */
    public TrainedBpe trainBpe(int vocabSize) {
        return BpeTrainer.train(texts(), vocabSize);
    }

    /**
     * Trains a byte-level BPE on every document, writes it and loads it.
     *
     * @param vocabSize the ids wanted, at least 258
     * @param tokenizerJson where the {@code tokenizer.json} is written
     * @return the tokenizer; close it when done
     */
    public HfTokenizer trainTokenizer(int vocabSize, Path tokenizerJson) {
        return trainBpe(vocabSize).saveAndLoad(tokenizerJson);
    }

    /**
     * Encodes every document into blocks ({@link TokenBlocks#encode}), end-of-text between documents.
     *
     * @param tokenizer the tokenizer, for example of {@link #trainTokenizer}
     * @param blockLength tokens per block, a multiple of {@code patchSize}
     * @param patchSize the chunk size K
     * @return the blocks
     */
    public TokenBlocks blocks(Tokenizer tokenizer, int blockLength, int patchSize) {
        return TokenBlocks.encode(documents, tokenizer::encode, tokenizer.eosId(), blockLength, patchSize);
    }

    private static String sentence(SplittableRandom random) {
        StringBuilder s = new StringBuilder(nounPhrase(random));
        if (random.nextBoolean()) {
            s.append(' ').append(pick(TRANSITIVE, random)).append(' ').append(nounPhrase(random));
        } else {
            s.append(' ').append(pick(INTRANSITIVE, random));
        }
        if (random.nextInt(3) == 0) {
            s.append(' ').append(pick(PREPOSITIONS, random)).append(' ').append(nounPhrase(random));
        }
        s.setCharAt(0, Character.toUpperCase(s.charAt(0)));
        return s.append('.').toString();
    }

    private static String nounPhrase(SplittableRandom random) {
        String determiner = pick(DETERMINERS, random);
        return random.nextInt(3) == 0
                ? determiner + " " + pick(ADJECTIVES, random) + " " + pick(NOUNS, random)
                : determiner + " " + pick(NOUNS, random);
    }

    private static String pick(String[] words, SplittableRandom random) {
        return words[random.nextInt(words.length)];
    }

    private static void checkDocuments(int documents) {
        if (documents < 2) {
            throw new CalmException("a tiny corpus needs at least 2 documents, got " + documents);
        }
    }

    @Override
    public String toString() {
        return "TinyCorpus[" + name + ", " + documents.size() + " documents]";
    }
}
