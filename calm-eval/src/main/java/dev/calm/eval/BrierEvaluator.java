/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.core.llama.AttentionLayout;
import dev.calm.core.llama.KVCache;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenModel;
import java.util.Arrays;
import java.util.stream.LongStream;

/**
 * BrierLM of a model on held-out text (paper, section 4): Brier-1..4 at every position of every sequence, from
 * one teacher-forced pass plus, where a step is shorter than 4 tokens, continuations that branch off each
 * position with the KV cache.
 *
 * <p>Two estimators, equal in expectation, so CALM and the token baseline are ranked on one scale:
 * <ul>
 *   <li>{@link Estimator#SAMPLED} needs only samples (any {@link StepModel}, CALM included). A position's
 *       state is sampled twice. The accuracy terms 1{x = y} use samples at successive teacher-forced positions
 *       (x's next step is drawn given y's prefix, which is all the indicator needs); the collision term
 *       1{x1 = x2} continues along the first sample's path while the two agree, as the reference does.
 *   <li>{@link Estimator#PROBABILITIES} needs a {@link TokenModel}: the accuracy term is exact, 2 prod_j
 *       P(y_j | y_&lt;j), and the collision term is the sampled prefixes' agreement times the exact collision
 *       probability sum_x P(x | prefix)^2 of the last token.
 * </ul>
 * Positions are steps: every chunk boundary for CALM, every token for a token model. A position is scored when
 * the 4 tokens after it are in the sequence.
 */
public final class BrierEvaluator {

    /** How Brier-n is estimated. */
    public enum Estimator {
        /** From two samples only: 1{x1 = y} + 1{x2 = y} - 1{x1 = x2}. */
        SAMPLED,
        /** From the token model's probabilities: 2 P(y) - 1{prefixes agree} sum_x P(x)^2. */
        PROBABILITIES
    }

    /** The largest n of Brier-n, 4: also how many tokens after a position are scored. */
    private static final int MAX_N = BrierScore.MAX_N;

    private final StepModel model;
    private final Estimator estimator;
    private final int k;
    private final int branchSteps; // steps after the first that 4 tokens need: ceil(4 / K) - 1
    private final int samples; // S, model samples per position of the sampled estimator

    /**
     * An evaluator with the lower-variance estimator the model allows: probabilities for a {@link TokenModel},
     * samples otherwise.
     *
     * @param model the model to score: any {@link StepModel}, trained or loaded (each evaluation allocates under
     *     its {@link StepModel#manager()})
     */
    public BrierEvaluator(StepModel model) {
        this(model, model instanceof TokenModel ? Estimator.PROBABILITIES : Estimator.SAMPLED);
    }

    /**
     * @param model the model to score: any {@link StepModel}, trained or loaded (each evaluation allocates under
     *     its {@link StepModel#manager()})
     * @param estimator the estimator; {@link Estimator#PROBABILITIES} needs a {@link TokenModel}
     */
    public BrierEvaluator(StepModel model, Estimator estimator) {
        this(model, estimator, 2);
    }

    /**
     * @param model the model to score: any {@link StepModel}, trained or loaded (each evaluation allocates under
     *     its {@link StepModel#manager()})
     * @param estimator the estimator; {@link Estimator#PROBABILITIES} needs a {@link TokenModel}
     * @param samples S, samples per position of the sampled estimator ({@link BrierScore#sampledAll(long[],
     *     long[][])}): 2 is the paper's; more lower the variance at the same positions, and need a model whose one
     *     step gives the 4 tokens (K &gt;= 4)
     */
    public BrierEvaluator(StepModel model, Estimator estimator, int samples) {
        if (estimator == Estimator.PROBABILITIES && !(model instanceof TokenModel)) {
            throw new CalmException("the probability estimator of BrierLM needs a model with a softmax; "
                    + model.getClass().getSimpleName() + " only samples: use Estimator.SAMPLED");
        }
        this.model = model;
        this.estimator = estimator;
        this.k = model.tokensPerStep();
        this.branchSteps = (MAX_N + k - 1) / k - 1;
        if (samples < 2 || samples > 2 && (estimator != Estimator.SAMPLED || branchSteps > 0)) {
            throw new CalmException("BrierLM takes 2 samples per position, or more with the sampled estimator of a "
                    + "model whose step gives the 4 tokens (K >= 4); got " + samples + " for " + estimator
                    + " and " + k + " token(s) per step");
        }
        this.samples = samples;
    }

    /**
     * The lowest-variance evaluator the model allows: the probability estimator for a {@link TokenModel}, else the
     * sampled estimator with {@code samples} samples per position when the model's step gives the 4 tokens, and
     * the paper's 2 otherwise.
     *
     * @param model the model to score
     * @param samples S for a sampled model with K &gt;= 4, at least 2
     * @return the evaluator
     */
    public static BrierEvaluator lowestVariance(StepModel model, int samples) {
        if (model instanceof TokenModel) {
            return new BrierEvaluator(model, Estimator.PROBABILITIES);
        }
        return new BrierEvaluator(model, Estimator.SAMPLED, model.tokensPerStep() >= MAX_N ? samples : 2);
    }

    /** @return S, the samples per position of the sampled estimator */
    public int samples() {
        return samples;
    }

    /** @return the estimator in use: from probabilities for a token model, from samples otherwise (or as forced) */
    public Estimator estimator() {
        return estimator;
    }

    /** @return the shortest sequence this model can be scored on: one position and the 4 tokens after it */
    public int minLength() {
        return (branchSteps + 2) * k;
    }

    /**
     * Scores every position of held-out sequences, a batch at a time.
     *
     * @param sequences token sequences of equal length, a multiple of K and at least {@link #minLength()}
     *     (for example {@code TokenBlocks.sample})
     * @param batchSize sequences per forward pass
     * @param rng the source of the model's samples
     * @return Brier-1..4 with standard errors, and BrierLM
     */
    public BrierLM.Result evaluate(int[][] sequences, int batchSize, Rng rng) {
        return aggregate(sequences, batchSize, rng).result();
    }

    /**
     * {@link #evaluate(int[][], int, Rng)}, returning the aggregate itself: its result, and the accuracy and
     * collision terms of each Brier-n ({@link BrierLM#terms()}).
     *
     * @param sequences token sequences of equal length, a multiple of K and at least {@link #minLength()}
     * @param batchSize sequences per forward pass
     * @param rng the source of the model's samples
     * @return every scored position
     */
    public BrierLM aggregate(int[][] sequences, int batchSize, Rng rng) {
        if (batchSize < 1) {
            throw new CalmException("BrierLM batch size must be >= 1, got " + batchSize);
        }
        BrierLM total = new BrierLM();
        for (int from = 0; from < sequences.length; from += batchSize) {
            evaluate(Arrays.copyOfRange(sequences, from, Math.min(sequences.length, from + batchSize)), total, rng);
        }
        return total;
    }

    /**
     * Scores every position of one batch of sequences.
     *
     * @param batch token sequences of equal length, a multiple of K and at least {@link #minLength()}
     * @param into the aggregate the positions' Brier-1..4 are added to
     * @param rng the source of the model's samples
     */
    public void evaluate(int[][] batch, BrierLM into, Rng rng) {
        int t = checkedLength(batch);
        long[] flat = new long[batch.length * t];
        for (int r = 0; r < batch.length; r++) {
            for (int i = 0; i < t; i++) {
                flat[r * t + i] = batch[r][i];
            }
        }
        try (Backend.GradScope grad = Backend.noGrad();
                StepScope scope = StepScope.open(model.manager());
                KVCache cache = model.newCache(scope.manager())) {
            Pass pass = new Pass(scope.manager(), cache, flat, batch.length, t, rng);
            pass.teacherForced();
            for (int j = 1; j <= branchSteps && pass.paths.anyAgree(j); j++) {
                pass.branch(j);
            }
            pass.addTo(into);
        }
    }

    /** One batch: the teacher-forced pass, the branches off its cache, and the scores of its positions. */
    private final class Pass {
        private final NDManager m;
        private final KVCache cache;
        private final long[] flat; // [B*T] gold ids
        private final int b;
        private final int t;
        private final int steps; // S = T / K positions per row
        private final int positions; // P scored positions per row
        private final Rng rng;
        private final Paths paths;
        private final double[][] collision = new double[branchSteps + 1][]; // [j][B*P]: sum_x P(x)^2 at step j
        private double[] gold; // [B*S]: P(y_{i+1} | y_<=i), probabilities estimator only
        private long[][][] teacher; // [2][B*S][K]: two samples at every teacher-forced position

        Pass(NDManager m, KVCache cache, long[] flat, int b, int t, Rng rng) {
            this.m = m;
            this.cache = cache;
            this.flat = flat;
            this.b = b;
            this.t = t;
            this.steps = t / k;
            this.positions = steps - 1 - branchSteps;
            this.rng = rng;
            this.paths = new Paths(b, positions);
        }

        /** The gold blocks through the model, filling the cache: two samples (and probabilities) everywhere. */
        void teacherForced() {
            NDArray states = model.hidden(m.create(flat, new Shape(b, t)), cache, null) // [B, S, d]
                    .reshape((long) b * steps, -1); // [B*S, d]
            if (estimator == Estimator.PROBABILITIES) {
                NDArray logits = ((TokenModel) model).logits(states); // [B*S, V]
                gold = goldProbabilities(logits, m.create(flat), b, t);
                collision[0] = collisionProbabilities(logits, b, steps, positions);
                teacher = StepModel.toHost(TokenModel.sampleLogits(logits, 2, rng).expandDims(2));
            } else {
                teacher = StepModel.toHost(model.sample(states, samples, rng)); // [samples][B*steps][K]
            }
            paths.record(0, teacher, steps);
        }

        /**
         * Branch step j: every position p's continuation along its first sample, at rotary position p + j, reading
         * the gold keys up to p and its own branch steps ({@link #seesOwnPath}).
         */
        void branch(int j) {
            int keys = steps + j * positions;
            AttentionLayout layout = AttentionLayout.of(m, LongStream.range(j, j + positions).toArray(), 1, keys,
                    (r, q, key) -> seesOwnPath(q, key));
            NDArray ids = m.create(paths.firstPath(j - 1), new Shape(b, (long) positions * k)); // [B, P*K]
            NDArray h = model.hidden(ids, cache, layout).reshape((long) b * positions, -1); // [B*P, d]
            if (estimator == Estimator.PROBABILITIES) {
                NDArray logits = ((TokenModel) model).logits(h); // [B*P, V]
                collision[j] = collisionProbabilities(logits, b, positions, positions);
                paths.record(j, StepModel.toHost(TokenModel.sampleLogits(logits, 2, rng).expandDims(2)), positions);
            } else {
                paths.record(j, StepModel.toHost(model.sample(h, 2, rng)), positions);
            }
        }

        /**
         * The cache-visibility rule of the branches: the query of position q in a branch step sees the gold keys
         * of steps 0..q and, in each branch block written so far (this step's included), its own slot q, so that
         * every position continues its own sampled path as if it were alone. The cache holds the S gold steps,
         * then one block of P slots per branch step, in the order they were written:
         *
         * <pre>
         *  key:    0 1 2 3 4 5 6 | 7 8 9 | 10 11 12    (K = 1: S = 7 gold steps, P = 3 positions; branch step j = 2)
         *  block:  gold          | br. 1 | branch 2
         *  q = 0:  x . . . . . . | x . . | x  .  .
         *  q = 2:  x x x . . . . | . . x | .  .  x
         * </pre>
         *
         * A causal mask over the flat key order would let q see the other positions' branches; with this one, the
         * pass equals running each position's continuation as a sequence of its own (gold prefix, then its path).
         */
        private boolean seesOwnPath(int q, int key) {
            return key <= q || key >= steps && (key - steps) % positions == q;
        }

        /** Adds Brier-1..4 of every scored position. */
        void addTo(BrierLM into) {
            for (int r = 0; r < b; r++) {
                for (int p = 0; p < positions; p++) {
                    long[] c1 = paths.path(r, p, 0);
                    long[] c2 = paths.path(r, p, 1);
                    if (estimator == Estimator.PROBABILITIES) {
                        double[] goldProbs = new double[MAX_N];
                        double[] coll = new double[MAX_N];
                        for (int j = 0; j < MAX_N; j++) {
                            goldProbs[j] = gold[r * steps + p + j];
                            coll[j] = collision[j] == null ? 0 : collision[j][r * positions + p];
                        }
                        into.add(BrierScore.withProbabilitiesAll(goldProbs, c1, c2, coll),
                                BrierScore.accuracyWithProbabilitiesAll(goldProbs));
                    } else {
                        long[] y = Arrays.copyOfRange(flat, r * t + (p + 1) * k, r * t + (p + 1) * k + MAX_N);
                        if (samples > 2) { // K >= 4: one step holds the 4 tokens of every sample
                            long[][] xs = new long[samples][];
                            for (int i = 0; i < samples; i++) {
                                xs[i] = teacherPath(teacher[i], r * steps + p);
                            }
                            into.add(BrierScore.sampledAll(y, xs), BrierScore.accuracyAll(y, xs));
                            continue;
                        }
                        long[] a1 = teacherPath(teacher[0], r * steps + p);
                        long[] a2 = teacherPath(teacher[1], r * steps + p);
                        into.add(BrierScore.sampledAll(y, a1, a2, c1, c2), BrierScore.accuracyAll(y, a1, a2));
                    }
                }
            }
        }
    }

    /** The first 4 tokens of one sample at each of the successive teacher-forced positions from {@code at}. */
    private long[] teacherPath(long[][] samples, int at) {
        long[] out = new long[(branchSteps + 1) * k];
        for (int j = 0; j <= branchSteps; j++) {
            System.arraycopy(samples[at + j], 0, out, j * k, k);
        }
        return Arrays.copyOf(out, MAX_N);
    }

    /** P(y_{i+1} | y_&lt;=i) at every position i (0 at a sequence's last position), [B*T]. */
    private static double[] goldProbabilities(NDArray logits, NDArray ids, int b, int t) {
        NDArray next = ids.reshape(b, t).get(":, 1:"); // [B, T-1] from ids [B*T]
        NDArray target = next.concat(next.get(":, -1:"), 1).reshape(-1, 1); // [B*T, 1], last one unused
        float[] logp = logits.logSoftmax(-1).gather(target, 1).toFloatArray(); // [B*T]
        double[] out = new double[logp.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i + 1) % t == 0 ? 0 : Math.exp(logp[i]);
        }
        return out;
    }

    /** sum_x P(x)^2 at the first {@code positions} of each row of {@code rows} states, [B*P]. */
    private static double[] collisionProbabilities(NDArray logits, int b, int rowLength, int positions) {
        float[] all = logits.softmax(-1).square().sum(new int[] {-1}).toFloatArray(); // [B*rowLength]
        double[] out = new double[b * positions];
        for (int r = 0; r < b; r++) {
            for (int p = 0; p < positions; p++) {
                out[r * positions + p] = all[r * rowLength + p];
            }
        }
        return out;
    }

    private int checkedLength(int[][] batch) {
        if (batch.length == 0) {
            throw new CalmException("BrierLM needs at least one sequence");
        }
        int t = batch[0].length;
        for (int[] s : batch) {
            if (s.length != t) {
                throw new CalmException("BrierLM sequences of a batch must have equal lengths, got " + t + " and "
                        + s.length);
            }
        }
        if (t % k != 0 || t < minLength()) {
            throw new CalmException("BrierLM sequences must be a multiple of K = " + k + " tokens and at least "
                    + minLength() + " long, got " + t);
        }
        return t;
    }

    /**
     * One step of the two sampled continuations at every scored position: the K ids that sample 1 and sample 2
     * drew there, by flat position i = r * P + p.
     *
     * @param first sample 1's K ids per position, [B*P][K]
     * @param second sample 2's K ids per position, [B*P][K]
     */
    private record SampledStep(long[][] first, long[][] second) {

        /** @return sample s's (0 or 1) K ids at flat position i */
        long[] ids(int s, int i) {
            return s == 0 ? first[i] : second[i];
        }

        /** @return whether the two samples drew the same K ids at flat position i */
        boolean agree(int i) {
            return Arrays.equals(first[i], second[i]);
        }
    }

    /** The pair of sampled continuations of every position: one {@link SampledStep} per step j. */
    private final class Paths {
        private final int b;
        private final int positions;
        private final SampledStep[] steps; // [branchSteps + 1], null until step j is sampled

        Paths(int b, int positions) {
            this.b = b;
            this.positions = positions;
            this.steps = new SampledStep[branchSteps + 1];
        }

        /** Records step j's two samples; {@code stride} is the positions per row in {@code samples}. */
        void record(int j, long[][][] samples, int stride) {
            steps[j] = new SampledStep(scored(samples[0], stride), scored(samples[1], stride));
        }

        /** The scored positions' entries of one sample's [B*stride][K] ids, [B*P][K]. */
        private long[][] scored(long[][] sample, int stride) {
            long[][] kept = new long[b * positions][];
            for (int r = 0; r < b; r++) {
                for (int p = 0; p < positions; p++) {
                    kept[r * positions + p] = sample[r * stride + p];
                }
            }
            return kept;
        }

        /** Whether any position's two paths agree on steps 0 .. j-1 (else no collision term is left). */
        boolean anyAgree(int j) {
            for (int i = 0; i < b * positions; i++) {
                boolean same = true;
                for (int s = 0; s < j && same; s++) {
                    same = steps[s].agree(i);
                }
                if (same) {
                    return true;
                }
            }
            return false;
        }

        /** The first sample's step j at every position, the tokens of the next branch step, [B * P * K]. */
        long[] firstPath(int j) {
            long[] out = new long[b * positions * k];
            for (int i = 0; i < b * positions; i++) {
                System.arraycopy(steps[j].ids(0, i), 0, out, i * k, k);
            }
            return out;
        }

        /** Sample s's first 4 tokens at a position; steps never computed (paths diverged) are -1. */
        long[] path(int r, int p, int s) {
            long[] out = new long[(branchSteps + 1) * k];
            Arrays.fill(out, -1);
            for (int j = 0; j <= branchSteps && steps[j] != null; j++) {
                System.arraycopy(steps[j].ids(s, r * positions + p), 0, out, j * k, k);
            }
            return Arrays.copyOf(out, MAX_N);
        }
    }
}
