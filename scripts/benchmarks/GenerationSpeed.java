/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.OpCounter;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.StepModel;
import dev.calm.energy.TokenBaseline;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generation of the {@code small} preset's token baseline and CALM (vocabulary 4096, the {@code cpu} autoencoder,
 * random weights, seed 0), measured in one of two ways. Run from the repository root after {@code ./calm --help}
 * has built the jar:
 *
 * <pre>
 * java -cp 'calm-examples/target/calm-examples.jar:calm-examples/target/lib/*' scripts/benchmarks/GenerationSpeed.java cpu 256
 * java -cp 'calm-examples/target/calm-examples.jar:calm-examples/target/lib/*' scripts/benchmarks/GenerationSpeed.java calls
 * </pre>
 *
 * <ul>
 *   <li>{@code cpu N}: N tokens at batch 1 after an untimed generation, in tokens per second of this thread's CPU
 *       time and of wall time. A single sequence runs on one intra-op thread, the calling one, so its CPU time is
 *       the generation's own work however busy the machine is.</li>
 *   <li>{@code calls}: libtorch calls per generation step at batch 1 and 16, the calls of a 12-step generation
 *       less those of a 4-step one, over 8, counted by {@link OpCounter} as {@code calm bench} counts them. For a
 *       build without {@code OpCounter}, put this branch's {@code dev/calm/core/OpCounter*.class} first on the
 *       class path.</li>
 * </ul>
 */
public class GenerationSpeed {
    private static final int VOCAB = 4096;

    public static void main(String[] args) {
        try (NDManager root = NDManager.newBaseManager()) {
            Rng rng = new Rng(0);
            CalmConfig config = CalmConfig.small(VOCAB);
            TokenBaseline baseline = new TokenBaseline(config.backbone());
            baseline.initialize(root, rng.fork("baseline"));
            Autoencoder ae = new Autoencoder(AutoencoderConfig.cpu(VOCAB));
            ae.initialize(root, rng.fork("ae"));
            Calm calm = new Calm(config, ae);
            calm.initialize(root, rng.fork("calm"));
            long[] prompt = new SplittableRandom(1).longs(16, 0, VOCAB).toArray();
            List<StepModel> models = List.of(baseline, calm);
            if (args.length == 2 && args[0].equals("cpu")) {
                cpu(models, prompt, Integer.parseInt(args[1]), rng);
            } else if (args.length == 1 && args[0].equals("calls")) {
                calls(models, prompt, rng);
            } else {
                System.err.println("usage: GenerationSpeed cpu TOKENS | GenerationSpeed calls");
                System.exit(2);
            }
        }
    }

    private static String name(StepModel model) {
        return model instanceof Calm ? "calm" : "baseline";
    }

    private static void cpu(List<StepModel> models, long[] prompt, int tokens, Rng rng) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StringBuilder line = new StringBuilder();
        double[] rate = new double[models.size()];
        for (int i = 0; i < models.size(); i++) {
            Generator g = new Generator(models.get(i), 0);
            GenerationConfig c = GenerationConfig.of(tokens).withStopAtEndOfText(false);
            g.generate(List.of(prompt), c, rng.fork("warm"));
            long cpu = mx.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            g.generate(List.of(prompt), c, rng.fork("timed"));
            cpu = mx.getCurrentThreadCpuTime() - cpu;
            wall = System.nanoTime() - wall;
            rate[i] = tokens / (cpu / 1e9);
            line.append(String.format("%s %.1f tokens/cpu-s %.1f tokens/wall-s | ", name(models.get(i)), rate[i],
                    tokens / (wall / 1e9)));
        }
        System.out.println(line + String.format("calm/baseline per cpu-s %.3f", rate[1] / rate[0]));
    }

    private static void calls(List<StepModel> models, long[] prompt, Rng rng) {
        StringBuilder line = new StringBuilder();
        for (int batch : new int[] {1, 16}) {
            for (StepModel model : models) {
                int perStep = model instanceof Calm c ? c.patchSize() : 1;
                Generator g = new Generator(model, 0);
                int[] counts = new int[2];
                int[] steps = {4, 12};
                for (int i = 0; i < 2; i++) {
                    GenerationConfig config = GenerationConfig.of(steps[i] * perStep).withStopAtEndOfText(false);
                    g.generate(Collections.nCopies(batch, prompt), config, rng); // allocations made before counting
                    try (OpCounter counter = OpCounter.start()) {
                        g.generate(Collections.nCopies(batch, prompt), config, rng);
                        counts[i] = counter.stop().total();
                    }
                }
                line.append(String.format("%s batch %d: %.1f calls/step; ", name(model), batch,
                        (counts[1] - counts[0]) / 8.0));
            }
        }
        System.out.println(line);
    }
}
