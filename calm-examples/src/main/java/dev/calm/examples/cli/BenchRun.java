/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Rng;
import dev.calm.core.config.Json;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.InferenceFlops;
import dev.calm.energy.TokenBaseline;
import dev.calm.energy.TrainingFlops;
import dev.calm.examples.pipeline.Throughput;
import dev.calm.sampling.Generator;
import dev.calm.training.AutoencoderObjective;
import dev.calm.training.CalmObjective;
import dev.calm.training.Objective;
import dev.calm.training.TokenObjective;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One round of {@code calm bench}: the engine's speed, then the token baseline, the autoencoder and CALM, one
 * after the other in one process, as one JSON tree with stable keys (sections {@code run}, {@code engine},
 * {@code baseline}, {@code autoencoder}, {@code calm}, {@code comparison}). Random weights and random token ids:
 * speed does not depend on them. Figures that were not measured ({@code --steps 0}) are null.
 *
 * <p>Per model: {@code parameters}, {@code train_tokens_per_s}, {@code train_flops_per_token}, {@code train_mfu}
 * (model FLOPs per second over {@code engine.matmul_gflops_1024}), {@code ops_per_training_step},
 * {@code generate_tokens_per_s_batch1}, {@code generate_tokens_per_s_batch<N>} (N = {@code --gen-batch}, 16 by
 * default), {@code ops_per_generation_step} (batch 1) and {@code ops_per_generation_step_batch<N>}. For the
 * autoencoder the generation figures are those of its decoder alone: latent vectors to their most likely K tokens,
 * CALM's last step of generation. CALM adds {@code decode_weight_bytes} (the weights one generation step reads),
 * {@code bandwidth_bound_tokens_per_s_batch1} (the speed if reading them at {@code engine.copy_gb_per_s_1_thread}
 * were all a step cost) and {@code bandwidth_bound_fraction_batch1} (measured over bound).
 */
final class BenchRun {

    /** The square matmul whose rate is the yardstick of MFU. */
    static final int PEAK_SIZE = 1024;
    /** The buffer of the copy-bandwidth measurement: far larger than the caches. */
    private static final long COPY_BYTES = 512L << 20;

    /**
     * What to measure.
     *
     * @param calm the CALM's shape (its backbone is the baseline's)
     * @param autoencoder the autoencoder's shape
     * @param batch training blocks per step
     * @param seq tokens per training block
     * @param steps timed training steps; 0 skips training
     * @param genTokens tokens generated per sequence in a timed generation
     * @param genBatch sequences of the batched generation
     * @param seed seed of the weights, data and samples
     */
    record Settings(CalmConfig calm, AutoencoderConfig autoencoder, int batch, int seq, int steps, int genTokens,
            int genBatch, long seed) {}

    private final Settings settings;
    private final NDManager root;
    private final Progress progress;

    /** Where a round reports what it has just measured (a line per model). */
    @FunctionalInterface
    interface Progress {

        /**
         * @param section the section just completed
         * @param figures its figures
         */
        void done(String section, ObjectNode figures);
    }

    private BenchRun(Settings settings, NDManager root, Progress progress) {
        this.settings = settings;
        this.root = root;
        this.progress = progress;
    }

    /**
     * Measures everything once.
     *
     * @param settings what to measure
     * @param root the manager the models live in (they are freed when the round ends)
     * @param progress told about each section as it completes
     * @return the figures
     */
    static ObjectNode measure(Settings settings, NDManager root, Progress progress) {
        try (NDManager round = root.newSubManager()) {
            return new BenchRun(settings, round, progress).run();
        }
    }

    private ObjectNode run() {
        Settings s = settings;
        Rng rng = new Rng(s.seed());
        SplittableRandom data = rng.fork("data").javaRandom();
        TransformerConfig backbone = s.calm().backbone();
        int vocab = backbone.vocabSize();
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode engine = engine(backbone);
        out.set("engine", engine);
        progress.done("engine", engine);
        double peak = engine.get("matmul_gflops_1024").asDouble() * 1e9;

        TokenBaseline baseline = new TokenBaseline(backbone);
        baseline.initialize(root, rng.fork("baseline"));
        TokenObjective tokens = new TokenObjective(baseline);
        ObjectNode b = model("the baseline", baseline, tokens, tokens.flopsPerToken(trainingBatch()), peak, data);
        generation(b, new Generator(baseline, 0), 1, data, rng.fork("sample baseline"));
        out.set("baseline", b);
        progress.done("baseline", b);

        Autoencoder ae = new Autoencoder(s.autoencoder());
        ae.initialize(root, rng.fork("ae"));
        ObjectNode a = model("the autoencoder", ae, new AutoencoderObjective(ae),
                TrainingFlops.autoencoder(ae.config()), peak, data);
        decoding(a, ae, rng.fork("decode"));
        out.set("autoencoder", a);
        progress.done("autoencoder", a);

        Calm calm = new Calm(s.calm(), ae);
        calm.initialize(root, rng.fork("calm"));
        CalmObjective energy = new CalmObjective(calm);
        ObjectNode c = model("CALM", calm, energy, energy.flopsPerToken(trainingBatch()), peak, data);
        generation(c, new Generator(calm, 0), calm.patchSize(), data, rng.fork("sample calm"));
        long bytes = decodeWeightBytes(calm);
        double bound = engine.get("copy_gb_per_s_1_thread").asDouble() * 1e9 / bytes
                * calm.patchSize(); // tokens per second if a step cost only its weight reads
        c.put("decode_weight_bytes", bytes);
        c.put("bandwidth_bound_tokens_per_s_batch1", bound);
        c.put("bandwidth_bound_fraction_batch1", c.get("generate_tokens_per_s_batch1").asDouble() / bound);
        out.set("calm", c);
        progress.done("calm", c);

        ObjectNode comparison = out.putObject("comparison");
        String batched = batchedKey("generate_tokens_per_s");
        comparison.put("generate_speedup_batch1", ratio(c, b, "generate_tokens_per_s_batch1"));
        comparison.put("generate_speedup_batch" + s.genBatch(), ratio(c, b, batched));
        comparison.put("train_tokens_per_s_ratio", ratio(c, b, "train_tokens_per_s"));
        comparison.put("ops_per_generation_step_ratio", ratio(c, b, "ops_per_generation_step"));
        int context = InferenceFlops.PAPER_CONTEXT;
        comparison.put("inference_flops_ratio", InferenceFlops.calm(s.calm(), ae.config(), context)
                / InferenceFlops.tokenBaseline(backbone, context));
        progress.done("comparison", comparison);
        return out;
    }

    /** The matmul peak at 1024², the rate at the backbone's own training shapes, and the copy bandwidth. */
    private ObjectNode engine(TransformerConfig c) {
        ObjectNode engine = Json.MAPPER.createObjectNode();
        engine.put("threads", Backend.threads());
        engine.put("matmul_gflops_1024", EngineSpeed.matmulGflops(root, PEAK_SIZE, PEAK_SIZE, PEAK_SIZE));
        long rows = (long) settings.batch() * settings.seq();
        long d = c.hiddenSize();
        long qkv = (long) (c.numAttentionHeads() + 2 * c.numKeyValueHeads()) * c.headDim();
        ObjectNode shapes = engine.putObject("matmul_gflops_model");
        Map<String, long[]> products = Map.of(
                "qkv_proj", new long[] {rows, d, qkv},
                "gate_up_proj", new long[] {rows, d, 2L * c.intermediateSize()},
                "down_proj", new long[] {rows, c.intermediateSize(), d},
                "lm_head", new long[] {rows, d, c.vocabSize()});
        double largest = products.values().stream() // A [m x k], B [k x n] and their product, FP32
                .mapToDouble(p -> 4.0 * ((double) p[0] * p[1] + (double) p[1] * p[2] + (double) p[0] * p[2]))
                .max().orElse(0);
        MemoryBudget.checkFits(String.format(Locale.ROOT, "the engine's matmul at the training shape of --batch %d x "
                + "--seq %d", settings.batch(), settings.seq()), largest);
        products.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            long[] p = e.getValue();
            shapes.put(e.getKey() + " [" + p[0] + "x" + p[1] + "]x[" + p[1] + "x" + p[2] + "]",
                    EngineSpeed.matmulGflops(root, p[0], p[1], p[2]));
        });
        engine.put("copy_gb_per_s_1_thread", EngineSpeed.copyGigabytesPerSecond(root, COPY_BYTES, 1));
        engine.put("copy_gb_per_s", EngineSpeed.copyGigabytesPerSecond(root, COPY_BYTES, Backend.threads()));
        return engine;
    }

    /** Parameters and training speed of one model, after checking that its training batch fits in memory. */
    private ObjectNode model(String label, Module model, Objective objective, double flopsPerToken, double peak,
            SplittableRandom data) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("parameters", model.numParameters());
        m.put("train_flops_per_token", finite(flopsPerToken));
        if (settings.steps() > 0) {
            checkMemory(label, objective, data);
            Throughput.TrainingSpeed t = Throughput.training(objective, settings.calm().backbone().vocabSize(),
                    settings.batch(), settings.seq(), settings.steps(), data);
            m.put("train_tokens_per_s", t.tokensPerSecond());
            m.put("train_mfu", finite(t.tokensPerSecond() * flopsPerToken / peak));
            m.put("ops_per_training_step", t.opsPerStep());
        } else {
            m.putNull("train_tokens_per_s");
            m.putNull("train_mfu");
            m.putNull("ops_per_training_step");
        }
        return m;
    }

    /** {@link MemoryBudget}: warm-up steps at batch 1 and 2, then the estimate for the asked batch. */
    private void checkMemory(String label, Objective objective, SplittableRandom data) {
        if (settings.batch() <= 2 || !MemoryBudget.supported()) {
            return;
        }
        long[] peaks = new long[2];
        for (int b = 1; b <= 2; b++) {
            MemoryBudget.resetPeak();
            Throughput.training(objective, settings.calm().backbone().vocabSize(), b, settings.seq(), 0, data);
            peaks[b - 1] = MemoryBudget.peakResident();
        }
        MemoryBudget.check(label + "'s training", settings.batch(), peaks[0], peaks[1], MemoryBudget.reachable());
    }

    private Shape trainingBatch() {
        return new Shape(settings.batch(), settings.seq());
    }

    /** Generation speed and calls per step at batch 1 and at the batched size. */
    private void generation(ObjectNode m, Generator generator, int tokensPerStep, SplittableRandom data, Rng rng) {
        int vocab = settings.calm().backbone().vocabSize();
        m.put("generate_tokens_per_s_batch1", Throughput.generation(generator, vocab, 1, settings.genTokens(), data,
                rng));
        m.put(batchedKey("generate_tokens_per_s"), Throughput.generation(generator, vocab, settings.genBatch(),
                settings.genTokens(), data, rng));
        m.put("ops_per_generation_step", Throughput.opsPerGenerationStep(generator, vocab, 1, tokensPerStep, data, rng));
        m.put(batchedKey("ops_per_generation_step"), Throughput.opsPerGenerationStep(generator, vocab,
                settings.genBatch(), tokensPerStep, data, rng));
    }

    /** The autoencoder's decoder alone, at batch 1 and at the batched size. */
    private void decoding(ObjectNode m, Autoencoder ae, Rng rng) {
        int calls = Math.max(1, settings.genTokens() / ae.config().patchSize());
        Throughput.DecodingSpeed one = Throughput.decoding(ae, 1, calls, rng);
        Throughput.DecodingSpeed many = Throughput.decoding(ae, settings.genBatch(), calls, rng);
        m.put("generate_tokens_per_s_batch1", one.tokensPerSecond());
        m.put(batchedKey("generate_tokens_per_s"), many.tokensPerSecond());
        m.put("ops_per_generation_step", one.opsPerCall());
        m.put(batchedKey("ops_per_generation_step"), many.opsPerCall());
    }

    /**
     * The bytes of the weights one CALM generation step reads: CALM's own (but the K rows of its token
     * embedding), and the autoencoder's decoder with the tied embedding it uses as output matrix.
     */
    static long decodeWeightBytes(Calm calm) {
        long floats = 0;
        for (Map.Entry<String, Parameter> e : calm.namedParameters().entrySet()) {
            if (!e.getKey().equals("transformer.embed_tokens.weight")) {
                floats += e.getValue().shape().size();
            }
        }
        for (Map.Entry<String, Parameter> e : calm.autoencoder().namedParameters().entrySet()) {
            String name = e.getKey();
            if (name.startsWith("decoder.") || name.equals("encoder.embed_tokens.weight")) {
                floats += e.getValue().shape().size();
            }
        }
        return floats * Float.BYTES;
    }

    private String batchedKey(String prefix) {
        return prefix + "_batch" + settings.genBatch();
    }

    /** a[key] / b[key], or null when either was not measured. */
    private static Double ratio(ObjectNode a, ObjectNode b, String key) {
        return a.get(key).isNull() || b.get(key).isNull() ? null : finite(a.get(key).asDouble() / b.get(key).asDouble());
    }

    /** The value, or null (JSON has no NaN) when it is not a finite number. */
    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
