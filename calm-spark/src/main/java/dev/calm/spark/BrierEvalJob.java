/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.spark;

import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.config.Checks;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.energy.PretrainedCalm;
import dev.calm.energy.StepModel;
import dev.calm.eval.BrierEvaluator;
import dev.calm.eval.BrierLM;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * BrierLM of a trained model on a sharded held-out dataset, with the batches spread over Spark's executors: each
 * partition scores its batches into its own {@link BrierLM}, and the driver merges them ({@link BrierLM#merge},
 * Chan et al.'s parallel update) into one BrierLM with its standard error.
 *
 * <p>The scored positions and the model's samples do not depend on the partitioning: the blocks are those of
 * {@link dev.calm.core.data.shards.TokenStore#sampleBlockIndices}, batch {@code b} holds blocks
 * {@code [b * batchSize, (b + 1) * batchSize)}, and it draws from {@code new Rng(seed).fork("batch " + b)}. So
 * {@link #run} equals {@link #evaluateLocally}, the single-process evaluation of the same positions, up to the
 * rounding of the merge. The dataset's directory must be readable at the same path on every executor (a shared
 * file system, or a copy on each node); each executor memory-maps it.
 */
public final class BrierEvalJob {

    /** Builds the model to score on an executor (each partition builds its own). */
    @FunctionalInterface
    public interface ModelFactory extends Serializable {
        /**
         * @param root the manager that owns the model's weights
         * @return the model
         */
        StepModel create(NDManager root);
    }

    /**
     * What is scored.
     *
     * @param blockLength tokens per scored sequence, a multiple of the model's K
     * @param maxBlocks the most sequences, spread evenly over the dataset
     * @param batchSize sequences per forward pass
     * @param samples samples per position ({@link BrierEvaluator#lowestVariance})
     * @param seed the seed of the model's samples
     */
    public record Options(int blockLength, int maxBlocks, int batchSize, int samples, long seed) {

        /**
         * Validates the settings.
         *
         * @param blockLength &gt; 0
         * @param maxBlocks &gt;= 1
         * @param batchSize &gt;= 1
         * @param samples &gt;= 2
         * @param seed any
         */
        public Options {
            Checks.check(blockLength > 0, "block length must be > 0, got " + blockLength);
            Checks.check(maxBlocks >= 1, "max blocks must be >= 1, got " + maxBlocks);
            Checks.check(batchSize >= 1, "batch size must be >= 1, got " + batchSize);
            Checks.check(samples >= 2, "samples must be >= 2, got " + samples);
        }
    }

    private BrierEvalJob() {}

    /**
     * Runs the job under spark-submit: BrierLM of a CALM directory ({@code PretrainedCalm}) on a dataset.
     *
     * @param args {@code DATASET_DIR CALM_DIR [BLOCK_LENGTH [MAX_BLOCKS [BATCH [SAMPLES [SEED [PARTITIONS]]]]]]};
     *     defaults 256, 1000, 8, 2, 0, the default parallelism
     */
    public static void main(String[] args) {
        JobMain.run("BrierEvalJob", "DATASET_DIR CALM_DIR [BLOCK_LENGTH [MAX_BLOCKS [BATCH [SAMPLES [SEED "
                + "[PARTITIONS]]]]]]", 2, args, (spark, a) -> {
                    Options options = new Options(a.length > 2 ? Integer.parseInt(a[2]) : 256,
                            a.length > 3 ? Integer.parseInt(a[3]) : 1000, a.length > 4 ? Integer.parseInt(a[4]) : 8,
                            a.length > 5 ? Integer.parseInt(a[5]) : 2, a.length > 6 ? Long.parseLong(a[6]) : 0);
                    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                    int partitions = a.length > 7 ? Integer.parseInt(a[7]) : sc.defaultParallelism();
                    String calm = a[1];
                    BrierLM.Result result = run(sc, Path.of(a[0]), root -> PretrainedCalm.load(Path.of(calm), null,
                            root), options, partitions).result();
                    System.out.println(result.describe());
                });
    }

    /**
     * Scores the dataset on Spark.
     *
     * @param sc the Spark context
     * @param dataset the sharded dataset's directory, at the same path on every executor
     * @param model builds the model on each executor
     * @param options what is scored
     * @param partitions how many tasks share the batches
     * @return the merged aggregate
     */
    public static BrierLM run(JavaSparkContext sc, Path dataset, ModelFactory model, Options options, int partitions) {
        long[] blocks = blocks(dataset, options);
        int batches = (blocks.length + options.batchSize() - 1) / options.batchSize();
        String dir = dataset.toString();
        int length = options.blockLength(); // the record is not serializable: its fields travel
        int maxBlocks = options.maxBlocks();
        int batchSize = options.batchSize();
        int samples = options.samples();
        long seed = options.seed();
        List<Tuple2<Integer, BrierLM>> parts;
        try {
            parts = sc.parallelize(IntStream.range(0, batches).boxed().toList(),
                    Math.max(1, Math.min(partitions, batches))).mapPartitionsWithIndex((p, it) -> {
                        List<Integer> mine = new ArrayList<>();
                        it.forEachRemaining(mine::add);
                        BrierLM part = score(Path.of(dir), model, new Options(length, maxBlocks, batchSize, samples,
                                seed), blocks, mine);
                        return List.of(new Tuple2<>(p, part)).iterator();
                    }, true).collect();
        } catch (RuntimeException e) {
            throw PrepareCorpusJob.calmCause(e);
        }
        BrierLM total = new BrierLM();
        parts.stream().sorted(Comparator.comparing(Tuple2::_1)).forEach(t -> total.merge(t._2()));
        return total;
    }

    /**
     * Scores the same positions with the same samples in this process, batch after batch.
     *
     * @param dataset the sharded dataset's directory
     * @param model builds the model
     * @param options what is scored
     * @return the aggregate
     */
    public static BrierLM evaluateLocally(Path dataset, ModelFactory model, Options options) {
        long[] blocks = blocks(dataset, options);
        int batches = (blocks.length + options.batchSize() - 1) / options.batchSize();
        return score(dataset, model, options, blocks, IntStream.range(0, batches).boxed().toList());
    }

    private static long[] blocks(Path dataset, Options options) {
        return ShardedDataset.open(dataset, ShardedDataset.Verification.HEADERS)
                .sampleBlockIndices(options.blockLength(), options.maxBlocks());
    }

    /** Scores the given batches into one aggregate. */
    private static BrierLM score(Path dataset, ModelFactory factory, Options options, long[] blocks,
            List<Integer> batches) {
        ShardedDataset data = ShardedDataset.open(dataset, ShardedDataset.Verification.HEADERS);
        BrierLM into = new BrierLM();
        int length = options.blockLength();
        try (NDManager root = Backend.newManager(Device.cpu())) {
            StepModel model = factory.create(root);
            if (length % model.tokensPerStep() != 0) {
                throw new CalmException("block length " + length + " is not a multiple of the model's K = "
                        + model.tokensPerStep());
            }
            BrierEvaluator evaluator = BrierEvaluator.lowestVariance(model, options.samples());
            for (int b : batches) {
                int from = b * options.batchSize();
                int to = Math.min(blocks.length, from + options.batchSize());
                int[][] batch = new int[to - from][length];
                for (int i = from; i < to; i++) {
                    data.read(blocks[i] * length, batch[i - from], 0, length);
                }
                evaluator.evaluate(batch, into, new Rng(options.seed()).fork("batch " + b));
            }
        }
        return into;
    }
}
