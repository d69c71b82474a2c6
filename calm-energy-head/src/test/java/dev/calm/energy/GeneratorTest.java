/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CALM and token generation with the KV cache against cache-free loops written here, prompt padding, the
 * token budget, the inverse-CDF sampler's distribution, the {@link Generation} helpers, and flat memory.
 */
class GeneratorTest {

    private static final long EOS = 0;
    private static final int K = 4;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = Backend.newManager(Device.cpu());
    }

    @AfterEach
    void close() {
        manager.close();
        Backend.setGradMode(true); // generate() switches recording off for the calling thread
    }

    private Calm calm() {
        Calm calm = CalmTest.tinyCalm(manager, K);
        CalmTest.randomiseHeadOutput(calm, manager); // otherwise z = 0 and every step decodes the same tokens
        return calm;
    }

    /** CALM sampling without a cache: every step reruns the whole sequence, with the generator's draws. */
    private long[] calmWithoutCache(Calm calm, long[] padded, int maxNewTokens, Rng rng) {
        long[] seq = padded.clone();
        while (seq.length - padded.length < maxNewTokens) {
            try (StepScope step = StepScope.open(manager)) {
                NDArray ids = step.manager().create(seq, new Shape(1, seq.length));
                NDArray last = calm.hidden(ids, null).get(":, -1, :"); // [1, d]
                long[] next = calm.decode(calm.head().sample(last, 1, rng)).toLongArray(); // [1, K]
                long[] grown = Arrays.copyOf(seq, seq.length + K);
                System.arraycopy(next, 0, grown, seq.length, K);
                seq = grown;
            }
        }
        return Arrays.copyOfRange(seq, padded.length, padded.length + maxNewTokens);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void calmWithTheCacheSamplesTheCacheFreeTokens() {
        Calm calm = calm();
        long[] prompt = {5, 6, 7, 8, 9, 10, 11, 12}; // two whole chunks
        Generation g = new CalmGenerator(calm, manager, EOS).generate(prompt, 24, new Rng(42));
        long[] expected = calmWithoutCache(calm, prompt, 24, new Rng(42));
        assertArrayEquals(expected, g.tokens());
        assertEquals(6, g.steps(), "24 tokens are 6 steps of K = 4");
        assertArrayEquals(prompt, g.prompt());
        assertTrue(Arrays.stream(g.tokens()).distinct().count() > 1, "the sample is not one repeated token");
        // another seed gives another continuation
        long[] other = new CalmGenerator(calm, manager, EOS).generate(prompt, 24, new Rng(43)).tokens();
        assertTrue(!Arrays.equals(g.tokens(), other));
    }

    @Test
    void promptsAreLeftPaddedWithEndOfTextToWholeChunks() {
        Calm calm = calm();
        CalmGenerator gen = new CalmGenerator(calm, manager, EOS);
        long[] prompt = {5, 6, 7, 8, 9}; // 5 tokens: 3 EOS in front make 2 chunks
        long[] padded = {EOS, EOS, EOS, 5, 6, 7, 8, 9};
        long[] tokens = gen.generate(prompt, 12, new Rng(7)).tokens();
        assertArrayEquals(calmWithoutCache(calm, padded, 12, new Rng(7)), tokens);
        assertArrayEquals(gen.generate(padded, 12, new Rng(7)).tokens(), tokens);
        // an empty prompt starts from one chunk of EOS
        long[] fromNothing = gen.generate(new long[0], 8, new Rng(8)).tokens();
        assertArrayEquals(calmWithoutCache(calm, new long[] {EOS, EOS, EOS, EOS}, 8, new Rng(8)), fromNothing);
    }

    @Test
    void aBudgetThatIsNotAMultipleOfKIsCut() {
        Calm calm = calm();
        CalmGenerator gen = new CalmGenerator(calm, manager, EOS);
        long[] prompt = {1, 2, 3, 4};
        Generation seven = gen.generate(prompt, 7, new Rng(9));
        Generation eight = gen.generate(prompt, 8, new Rng(9));
        assertEquals(7, seven.tokens().length);
        assertEquals(2, seven.steps(), "7 tokens take 2 steps of 4");
        assertArrayEquals(Arrays.copyOf(eight.tokens(), 7), seven.tokens());
        assertEquals(1, gen.generate(prompt, 1, new Rng(9)).tokens().length);
        CalmException e = assertThrows(CalmException.class, () -> gen.generate(prompt, 0, new Rng(9)));
        assertTrue(e.getMessage().contains("max new tokens must be >= 1"), e.getMessage());
    }

    @Test
    void tokenGenerationWithTheCacheSamplesTheCacheFreeTokens() {
        TokenBaseline model = TokenBaselineTest.tinyBaseline(manager);
        long[] prompt = {3, 4, 5};
        Generation g = new TokenGenerator(model, manager, EOS).generate(prompt, 20, new Rng(11));
        // without a cache: softmax of the last position of the whole sequence, the same sampler and Rng
        Rng rng = new Rng(11);
        long[] seq = prompt.clone();
        for (int i = 0; i < 20; i++) {
            try (StepScope step = StepScope.open(manager)) {
                NDArray ids = step.manager().create(seq, new Shape(1, seq.length));
                float[] p = model.logits(ids, null).get(":, -1, :").softmax(-1).toFloatArray();
                seq = concat(seq, new long[] {TokenGenerator.sample(p, rng)});
            }
        }
        assertArrayEquals(Arrays.copyOfRange(seq, 3, 23), g.tokens());
        assertEquals(20, g.steps());
        // an empty prompt starts from EOS, the same as the prompt {EOS}
        TokenGenerator gen = new TokenGenerator(model, manager, EOS);
        assertArrayEquals(gen.generate(new long[] {EOS}, 5, new Rng(12)).tokens(),
                gen.generate(new long[0], 5, new Rng(12)).tokens());
    }

    @Test
    void theInverseCdfSamplerDrawsTheGivenProbabilities() {
        // 20,000 draws over 6 ids, one with probability 0 (never drawn). Pearson's chi-square over the 5 others
        // has 4 degrees of freedom; its 0.999 quantile is 18.467, so a correct sampler fails 1 seed in 1000
        // (this seed is fixed).
        float[] p = {0.05f, 0.15f, 0f, 0.3f, 0.25f, 0.25f};
        int draws = 20_000;
        int[] counts = new int[p.length];
        Rng rng = new Rng(2026);
        for (int i = 0; i < draws; i++) {
            counts[TokenGenerator.sample(p, rng)]++;
        }
        assertEquals(0, counts[2], "an id with probability 0 is never drawn");
        double chi2 = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                double expected = draws * p[i];
                chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
            }
        }
        assertTrue(chi2 < 18.467, "chi-square " + chi2 + " for counts " + Arrays.toString(counts));
        // a total short of 1 (rounding) falls back to the last id with any probability, never a zero one
        float[] short1 = {0.2f, 0.2f, 0f};
        int[] c = new int[3];
        for (int i = 0; i < 1000; i++) {
            c[TokenGenerator.sample(short1, rng)]++;
        }
        assertEquals(0, c[2]);
        assertEquals(1000, c[0] + c[1]);
    }

    @Test
    void generationHelpers() {
        Generation g = new Generation(new long[] {1, 2}, new long[] {7, 8, 0, 9, 0}, 5, 0.5);
        assertArrayEquals(new long[] {7, 8}, g.untilEndOfText(0));
        assertArrayEquals(new long[] {7, 8, 0, 9, 0}, g.untilEndOfText(3), "no EOS: everything");
        assertArrayEquals(new long[0], g.untilEndOfText(7), "EOS first: nothing");
        assertEquals(10.0, g.tokensPerSecond(), 1e-12, "5 tokens in 0.5 s");
        assertTrue(Double.isFinite(new Generation(new long[0], new long[] {1}, 1, 0).tokensPerSecond()));
        long[] tokens = {4, 5};
        Generation copy = new Generation(new long[0], tokens, 1, 1);
        tokens[0] = 99;
        assertEquals(4, copy.tokens()[0], "the record keeps its own copy");
    }

    @Test
    void liveArraysAreTheSameBeforeAndAfterGenerating() {
        Calm calm = calm();
        TokenBaseline baseline = TokenBaselineTest.tinyBaseline(manager);
        CalmGenerator calmGen = new CalmGenerator(calm, manager, EOS);
        TokenGenerator tokenGen = new TokenGenerator(baseline, manager, EOS);
        calmGen.generate(new long[] {1, 2, 3}, 8, new Rng(1)); // warm up anything allocated once
        tokenGen.generate(new long[] {1, 2, 3}, 8, new Rng(1));
        int before = manager.getManagedArrays().size();
        Generation c = calmGen.generate(new long[] {1, 2, 3}, 200, new Rng(2)); // 50 steps of K = 4
        assertEquals(before, manager.getManagedArrays().size(), "CALM generation left arrays behind");
        Generation t = tokenGen.generate(new long[] {1, 2, 3}, 200, new Rng(3)); // 200 steps, cache grows past 64
        assertEquals(before, manager.getManagedArrays().size(), "token generation left arrays behind");
        assertEquals(200, c.tokens().length);
        assertEquals(50, c.steps());
        assertEquals(200, t.tokens().length);
    }
}
