/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.energy.Calm;
import dev.calm.energy.Deterministic;
import dev.calm.energy.EnergyFixtures;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import dev.calm.experiment.CalmExperiment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generation with the KV cache against cache-free loops written here, for CALM and the token baseline: prompt
 * padding, batches of prompts of different lengths, the token budget, end-of-text, temperature, and flat memory.
 */
@CalmExperiment
class GeneratorTest {

    private static final long EOS = 0;
    private static final int K = 4;

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private Calm calm() {
        Calm calm = EnergyFixtures.tinyCalm(manager, K);
        EnergyFixtures.randomiseHeadOutput(calm, manager); // otherwise z = 0 and every step decodes the same tokens
        return calm;
    }

    /** Sampling at T = 1 without a cache: every step reruns the whole sequence, with the generator's draws. */
    private long[] withoutCache(StepModel model, long[] padded, int maxNewTokens, Rng rng) {
        int k = model.tokensPerStep();
        long[] seq = padded.clone();
        while (seq.length - padded.length < maxNewTokens) {
            try (StepScope step = StepScope.open(manager)) {
                NDArray ids = step.manager().create(seq, new Shape(1, seq.length));
                NDArray last = model.hidden(ids, null, null).get(":, -1, :"); // [1, d]
                long[] next = model.sample(last, 1, rng).toLongArray(); // [1, 1, k]
                long[] grown = Arrays.copyOf(seq, seq.length + k);
                System.arraycopy(next, 0, grown, seq.length, k);
                seq = grown;
            }
        }
        return Arrays.copyOfRange(seq, padded.length, padded.length + maxNewTokens);
    }

    private static GenerationConfig tokens(int n) {
        return GenerationConfig.of(n).withStopAtEndOfText(false);
    }

    @Test
    void calmWithTheCacheSamplesTheCacheFreeTokens() {
        Calm calm = calm();
        long[] prompt = {5, 6, 7, 8, 9, 10, 11, 12}; // two whole chunks
        Generations g = new Generator(calm, EOS).generate(prompt, tokens(24), new Rng(42));
        assertArrayEquals(withoutCache(calm, prompt, 24, new Rng(42)), g.first().tokens());
        assertEquals(6, g.steps(), "24 tokens are 6 steps of K = 4");
        assertArrayEquals(prompt, g.first().prompt());
        assertTrue(Arrays.stream(g.first().tokens()).distinct().count() > 1, "not one repeated token");
        long[] other = new Generator(calm, EOS).generate(prompt, tokens(24), new Rng(43)).first().tokens();
        assertFalse(Arrays.equals(g.first().tokens(), other), "another seed, another continuation");
    }

    @Test
    void tokenGenerationWithTheCacheSamplesTheCacheFreeTokens() {
        TokenBaseline model = EnergyFixtures.tinyBaseline(manager, EnergyFixtures.VOCAB);
        long[] prompt = {3, 4, 5};
        Generations g = new Generator(model, EOS).generate(prompt, tokens(20), new Rng(11));
        assertArrayEquals(withoutCache(model, prompt, 20, new Rng(11)), g.first().tokens());
        assertEquals(20, g.steps());
        Generator gen = new Generator(model, EOS);
        assertArrayEquals(gen.generate(new long[] {EOS}, tokens(5), new Rng(12)).first().tokens(),
                gen.generate(new long[0], tokens(5), new Rng(12)).first().tokens(), "empty prompt = {EOS}");
    }

    @Test
    void promptsAreLeftPaddedWithEndOfTextToWholeChunks() {
        Calm calm = calm();
        Generator gen = new Generator(calm, EOS);
        long[] prompt = {5, 6, 7, 8, 9}; // 5 tokens: 3 EOS in front make 2 chunks
        long[] padded = {EOS, EOS, EOS, 5, 6, 7, 8, 9};
        long[] tokens = gen.generate(prompt, tokens(12), new Rng(7)).first().tokens();
        assertArrayEquals(withoutCache(calm, padded, 12, new Rng(7)), tokens);
        long[] fromNothing = gen.generate(new long[0], tokens(8), new Rng(8)).first().tokens();
        assertArrayEquals(withoutCache(calm, new long[] {EOS, EOS, EOS, EOS}, 8, new Rng(8)), fromNothing);
    }

    @Test
    void aBatchOfPromptsOfDifferentLengthsContinuesEachAsAlone() {
        // with deterministic samplers a batch row must produce exactly what the prompt produces alone: the
        // alignment padding is masked, and rotary positions only see distances
        Calm calm = calm();
        TokenBaseline baseline = EnergyFixtures.tinyBaseline(manager, EnergyFixtures.VOCAB);
        for (StepModel model : List.of(Deterministic.of(calm), Deterministic.of(baseline))) {
            Generator gen = new Generator(model, EOS);
            List<long[]> prompts = List.of(new long[] {5, 6, 7, 8, 9, 10, 11, 12, 13}, new long[] {3}, new long[0]);
            Generations batch = gen.generate(prompts, tokens(12), new Rng(5));
            assertEquals(36, batch.tokens());
            for (int i = 0; i < prompts.size(); i++) {
                Generation alone = gen.generate(prompts.get(i), tokens(12), new Rng(5)).first();
                assertArrayEquals(alone.tokens(), batch.sequences().get(i).tokens(), "prompt " + i);
                assertArrayEquals(prompts.get(i), batch.sequences().get(i).prompt());
            }
            assertTrue(Arrays.stream(batch.sequences().get(0).tokens()).distinct().count() > 1);
        }
    }

    @Test
    void temperatureSamplesTheTemperedDistributionOfSteps() {
        // a fake model whose steps are 2-token chunks with P = (0.6, 0.3, 0.1): at T = 1/2 the target is
        // P^2 / Z = (0.7826, 0.1957, 0.0217). 3,000 sequences of one step in one batch. Pearson's chi-square
        // with 2 degrees of freedom stays below 13.82 (its 0.999 quantile) for the exact method. The batch
        // method (N = 200) is biased at finite N: its own choice distribution q_200 is computed exactly (every
        // count vector of 200 draws), must lie within 0.01 of the target in total variation, and the generator's
        // batch counts must pass the same chi-square test against q_200. A generator that ignored the temperature
        // (sampling P itself) fails that test by far.
        double[] target = {0.36 / 0.46, 0.09 / 0.46, 0.01 / 0.46};
        List<long[]> prompts = java.util.Collections.nCopies(3000, new long[] {1, 2});
        GenerationConfig half = GenerationConfig.of(2).withTemperature(0.5);
        Generator gen = new Generator(new FakeChunks(new double[] {0.6, 0.3, 0.1}, manager), EOS);
        int[] exact = FakeChunks.counts(gen.generate(prompts, half, new Rng(21)));
        double chi2 = 0;
        for (int i = 0; i < 3; i++) {
            double e = 3000 * target[i];
            chi2 += (exact[i] - e) * (exact[i] - e) / e;
        }
        assertTrue(chi2 < 13.82, "chi-square " + chi2 + " for " + Arrays.toString(exact));
        double[] q200 = new FiniteDistribution(0.6, 0.3, 0.1).batchChoice(new BatchTemperatureSampler(0.5), 200);
        double bias = FiniteDistribution.totalVariation(q200, target);
        assertTrue(bias < 0.01, "the batch method's bias at N = 200: " + bias + ", " + Arrays.toString(q200));
        long[] batch = Arrays.stream(FakeChunks.counts(
                gen.generate(prompts, half.withMethod(TemperatureMethod.BATCH, 200), new Rng(22)))).limit(3)
                .asLongStream().toArray();
        double batchChi2 = FiniteDistribution.chiSquare(batch, q200);
        assertTrue(batchChi2 < 13.82, "chi-square " + batchChi2 + " for " + Arrays.toString(batch));
        long[] untempered = Arrays.stream(FakeChunks.counts(gen.generate(prompts, GenerationConfig.of(2), new Rng(23))))
                .limit(3).asLongStream().toArray();
        double wrongChi2 = FiniteDistribution.chiSquare(untempered, q200);
        assertTrue(wrongChi2 > 10 * 13.82, "a sampler at T = 1 must fail: chi-square " + wrongChi2);
        // the token model is tempered exactly through its softmax: the first token of 4,000 sequences against
        // softmax(logits / T) of the prompt's last position, computed here (24 ids: 23 degrees of freedom,
        // 0.999 quantile 49.73); the weights are scaled up so that T matters
        TokenBaseline model = EnergyFixtures.tinyBaseline(manager, EnergyFixtures.VOCAB);
        try (Backend.GradScope grad = Backend.noGrad()) { // in place on leaves that require grad
            model.namedParameters().values().forEach(p -> p.array().muli(3f));
        }
        long[] prompt = {3, 4};
        float[] logits = model.logits(manager.create(prompt, new Shape(1, 2)), null).get(":, -1, :").toFloatArray();
        double[] tempered = new double[logits.length];
        double z = 0;
        for (int i = 0; i < logits.length; i++) {
            tempered[i] = Math.exp(logits[i] / 0.5);
            z += tempered[i];
        }
        long[] first = FakeChunks.firstTokens(new Generator(model, EOS).generate(
                java.util.Collections.nCopies(4000, prompt), tokens(1).withTemperature(0.5), new Rng(4)));
        int[] counts = new int[logits.length];
        for (long t : first) {
            counts[(int) t]++;
        }
        double chi = 0;
        for (int i = 0; i < logits.length; i++) {
            double e = 4000 * tempered[i] / z;
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        assertTrue(chi < 49.73, "chi-square " + chi + " for " + Arrays.toString(counts));
    }

    @Test
    void aBudgetThatIsNotAMultipleOfKIsCut() {
        Calm calm = calm();
        Generator gen = new Generator(calm, EOS);
        long[] prompt = {1, 2, 3, 4};
        Generations seven = gen.generate(prompt, tokens(7), new Rng(9));
        Generations eight = gen.generate(prompt, tokens(8), new Rng(9));
        assertEquals(7, seven.first().tokens().length);
        assertEquals(2, seven.steps(), "7 tokens take 2 steps of 4");
        assertArrayEquals(Arrays.copyOf(eight.first().tokens(), 7), seven.first().tokens());
        CalmException e = assertThrows(CalmException.class, () -> GenerationConfig.of(0));
        assertTrue(e.getMessage().contains("max new tokens must be >= 1"), e.getMessage());
    }

    @Test
    void badTemperaturesAreNamed() {
        for (double t : new double[] {0, -0.5, 1.5, Double.NaN}) {
            CalmException e = assertThrows(CalmException.class, () -> GenerationConfig.of(4).withTemperature(t));
            assertTrue(e.getMessage().contains("temperature must be in (0, 1], got " + t), e.getMessage());
        }
    }

    @Test
    void generationStopsAtEndOfText() {
        TokenBaseline model = EnergyFixtures.tinyBaseline(manager, EnergyFixtures.VOCAB);
        Generator gen = new Generator(model, EOS);
        // without stopping, find a seed whose continuation contains EOS, then check the stop cuts there
        for (long seed = 1; seed < 200; seed++) {
            long[] all = gen.generate(new long[] {3}, tokens(60), new Rng(seed)).first().tokens();
            int at = indexOf(all, EOS);
            if (at >= 0) {
                Generation stopped = gen.generate(new long[] {3}, GenerationConfig.of(60), new Rng(seed)).first();
                assertTrue(stopped.endOfText());
                assertArrayEquals(Arrays.copyOf(all, at), stopped.tokens());
                return;
            }
        }
        throw new AssertionError("no continuation of 60 tokens over a vocabulary of 24 contained EOS");
    }

    /**
     * End-of-text in a batch of CALM (K = 4) sequences: each row stops at its own first end-of-text, also in the
     * middle of a chunk, keeps exactly the tokens before it, and the batch runs until its last row stops (or the
     * budget ends). Finished rows are still sampled, so every row's draws are those of the run without stopping,
     * which gives each row's expected tokens. Seeds are searched for a batch where rows end in different steps
     * and at least one end-of-text is mid-chunk.
     */
    @Test
    void rowsOfABatchStopAtTheirOwnEndOfTextMidChunk() {
        Calm calm = calm();
        Generator gen = new Generator(calm, EOS);
        List<long[]> prompts = List.of(new long[] {1, 2, 3}, new long[] {4}, new long[] {5, 6, 7, 8, 9}, new long[0]);
        int budget = 64;
        for (long seed = 1; seed < 100; seed++) {
            Generations all = gen.generate(prompts, tokens(budget), new Rng(seed));
            int[] at = all.sequences().stream().mapToInt(g -> indexOf(g.tokens(), EOS)).toArray();
            long endingSteps = Arrays.stream(at).filter(i -> i >= 0).map(i -> i / K).distinct().count();
            boolean midChunk = Arrays.stream(at).anyMatch(i -> i >= 0 && i % K != 0);
            if (endingSteps < 2 || !midChunk) {
                continue;
            }
            Generations stopped = gen.generate(prompts, GenerationConfig.of(budget), new Rng(seed));
            int lastStep = 0;
            for (int r = 0; r < prompts.size(); r++) {
                Generation row = stopped.sequences().get(r);
                long[] unstopped = all.sequences().get(r).tokens();
                assertEquals(at[r] >= 0, row.endOfText(), "row " + r);
                assertArrayEquals(at[r] >= 0 ? Arrays.copyOf(unstopped, at[r]) : unstopped, row.tokens(), "row " + r);
                lastStep = at[r] < 0 ? budget / K : Math.max(lastStep, at[r] / K + 1);
            }
            assertEquals(lastStep, stopped.steps(), "the batch runs until its last row stops: " + Arrays.toString(at));
            return;
        }
        throw new AssertionError("no seed gave rows ending in different steps with an end-of-text mid-chunk");
    }

    @Test
    void liveArraysAreTheSameBeforeAndAfterGenerating() {
        Calm calm = calm();
        TokenBaseline baseline = EnergyFixtures.tinyBaseline(manager, EnergyFixtures.VOCAB);
        Generator calmGen = new Generator(calm, EOS);
        Generator tokenGen = new Generator(baseline, EOS);
        List<long[]> prompts = List.of(new long[] {1, 2, 3}, new long[] {4, 5, 6, 7, 8});
        GenerationConfig half = tokens(8).withTemperature(0.5);
        calmGen.generate(prompts, half, new Rng(1)); // warm up anything allocated once
        tokenGen.generate(prompts, half, new Rng(1));
        int before = manager.getManagedArrays().size();
        Generations c = calmGen.generate(prompts, tokens(200), new Rng(2)); // 50 steps of K = 4
        calmGen.generate(prompts, tokens(40).withTemperature(0.5), new Rng(2));
        calmGen.generate(prompts, tokens(40).withTemperature(0.5).withMethod(TemperatureMethod.BATCH, 50), new Rng(2));
        assertEquals(before, manager.getManagedArrays().size(), "CALM generation left arrays behind");
        Generations t = tokenGen.generate(prompts, tokens(200), new Rng(3)); // cache grows past 64
        tokenGen.generate(prompts, tokens(40).withTemperature(0.5), new Rng(3));
        assertEquals(before, manager.getManagedArrays().size(), "token generation left arrays behind");
        assertEquals(400, c.tokens());
        assertEquals(50, c.steps());
        assertEquals(400, t.tokens());
    }

    private static int indexOf(long[] a, long v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
