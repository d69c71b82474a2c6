/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batch-1 generation of the {@code small} preset's token baseline and CALM (random weights, seed 0): tokens per
 * second of this thread's CPU time, and of wall time. A single sequence runs on one intra-op thread, the calling
 * one, so its CPU time is the generation's own work however busy the machine is. Run from the repository root
 * after {@code ./calm --help} has built the jar:
 *
 * <pre>java -cp 'calm-examples/target/calm-examples.jar:calm-examples/target/lib/*' scripts/benchmarks/GenerationCpu.java 256</pre>
 */
public class GenerationCpu {
    public static void main(String[] args) {
        int vocab = 4096, tokens = Integer.parseInt(args[0]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (NDManager root = NDManager.newBaseManager()) {
            Rng rng = new Rng(0);
            CalmConfig config = CalmConfig.small(vocab);
            TokenBaseline baseline = new TokenBaseline(config.backbone());
            baseline.initialize(root, rng.fork("baseline"));
            Autoencoder ae = new Autoencoder(AutoencoderConfig.cpu(vocab));
            ae.initialize(root, rng.fork("ae"));
            Calm calm = new Calm(config, ae);
            calm.initialize(root, rng.fork("calm"));
            long[] prompt = new SplittableRandom(1).longs(16, 0, vocab).toArray();
            StringBuilder line = new StringBuilder();
            double[] rate = new double[2];
            int i = 0;
            for (StepModel model : List.<StepModel>of(baseline, calm)) {
                Generator g = new Generator(model, root, 0);
                GenerationConfig c = GenerationConfig.of(tokens).withStopAtEndOfText(false);
                g.generate(List.of(prompt), c, rng.fork("warm"));
                long cpu = mx.getCurrentThreadCpuTime(), wall = System.nanoTime();
                g.generate(List.of(prompt), c, rng.fork("timed"));
                cpu = mx.getCurrentThreadCpuTime() - cpu;
                wall = System.nanoTime() - wall;
                rate[i++] = tokens / (cpu / 1e9);
                line.append(String.format("%s %.1f tokens/cpu-s %.1f tokens/wall-s | ", i == 1 ? "baseline" : "calm",
                        tokens / (cpu / 1e9), tokens / (wall / 1e9)));
            }
            System.out.println(line + String.format("calm/baseline per cpu-s %.3f", rate[1] / rate[0]));
        }
    }
}
