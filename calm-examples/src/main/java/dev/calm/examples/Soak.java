/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generator;
import dev.calm.training.CalmObjective;
import dev.calm.training.ShuffledBlocks;
import dev.calm.training.StepMetrics;
import dev.calm.training.TrainConfig;
import dev.calm.training.Trainer;
import dev.calm.training.TrainingContext;
import dev.calm.training.TrainingHook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The soak benchmark ({@code scripts/soak.sh}): the tiny CALM preset (the {@code bench --preset tiny} model, K 4,
 * over a frozen random autoencoder) trains for many steps through the library's {@link Trainer}, checkpoints
 * included, then generates many tokens with the KV cache, while the resident memory of the process and the live
 * NDArrays of the root manager are sampled at regular intervals. Prints the samples and, for each phase, the
 * least-squares slope over the phase as a share of the mean: native memory that does not leak stays within 5%.
 *
 * <p>Not a unit test: 10,000 steps take minutes. {@code java -cp calm-examples.jar dev.calm.examples.Soak STEPS
 * TOKENS EVERY}.
 */
public final class Soak {

    private static final int VOCAB = 512;
    private static final int BLOCK = 64;

    private Soak() {}

    /** One sample: when, resident memory and live arrays. */
    private record Sample(long at, double rssMb, int arrays) {}

    /**
     * @param args training steps (default 10,000), generated tokens (default 10,000), steps or tokens between two
     *     samples (default 500)
     * @throws IOException if the scratch run directory cannot be made
     */
    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        Path runDir = Files.createTempDirectory("calm-soak");
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Rng rng = new Rng(1);
            Autoencoder ae = new Autoencoder(AutoencoderConfig.cpu(VOCAB));
            ae.initialize(root, rng.fork("autoencoder"));
            Calm calm = new Calm(CalmConfig.tiny(VOCAB, 4, 128), ae);
            calm.initialize(root, rng.fork("calm"));
            int[][] blocks = new int[256][BLOCK];
            SplittableRandom data = new SplittableRandom(2);
            for (int[] block : blocks) {
                for (int t = 0; t < BLOCK; t++) {
                    block[t] = data.nextInt(VOCAB);
                }
            }
            List<Sample> training = new ArrayList<>();
            training.add(sample(0, root));
            TrainConfig config = TrainConfig.defaults(steps).toBuilder().learningRate(1e-3).warmupSteps(100)
                    .logEvery(every).checkpointEvery(steps / 4).keepCheckpoints(1).progressBar(false).build();
            new Trainer(new CalmObjective(calm), new ShuffledBlocks(blocks, 4, 3), config, runDir)
                    .addHook(new TrainingHook() {
                        @Override
                        public void onStep(StepMetrics m, TrainingContext context) {
                            if (m.step() % every == 0) {
                                training.add(sample(m.step(), root));
                            }
                        }
                    }).fit();
            report("training, step", training);

            List<Sample> generation = new ArrayList<>();
            Generator generator = new Generator(calm, 0);
            long[] prompt = {1, 2, 3, 4};
            Rng sampling = rng.fork("generation");
            generation.add(sample(0, root));
            for (int done = 0; done < tokens; done += every) {
                generator.generate(prompt, GenerationConfig.of(every).withStopAtEndOfText(false), sampling);
                generation.add(sample(done + every, root));
            }
            report("generation, token", generation);
        } finally {
            dev.calm.core.io.FileTrees.delete(runDir);
        }
    }

    private static Sample sample(long at, NDManager root) {
        return new Sample(at, residentMb(), root.getManagedArrays().size());
    }

    /** Prints the samples and the slopes; the first sample (before any step) is left out of the fit: warm-up. */
    private static void report(String what, List<Sample> samples) {
        System.out.printf(Locale.ROOT, "%n| %s | resident MB | live NDArrays |%n|---:|---:|---:|%n", what);
        for (Sample s : samples) {
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %d |%n", s.at(), s.rssMb(), s.arrays());
        }
        List<Sample> fitted = samples.subList(1, samples.size());
        System.out.printf(Locale.ROOT, "%s: resident memory %s, live NDArrays %s over the run (least-squares slope "
                + "times the span, as a share of the mean; flat within 5%%)%n", what.split(",")[0],
                change(fitted, Sample::rssMb), change(fitted, s -> s.arrays()));
    }

    private static String change(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        int n = samples.size();
        if (n < 2) {
            return "n/a";
        }
        double mx = 0;
        double my = 0;
        for (Sample s : samples) {
            mx += s.at();
            my += value.applyAsDouble(s);
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            sxy += (s.at() - mx) * (value.applyAsDouble(s) - my);
            sxx += (s.at() - mx) * (s.at() - mx);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double span = samples.get(n - 1).at() - samples.get(0).at();
        double share = my == 0 ? 0 : slope * span / my;
        return String.format(Locale.ROOT, "%+.2f%% (%s)", 100 * share, Math.abs(share) <= 0.05 ? "flat" : "NOT FLAT");
    }

    /** VmRSS of /proc/self/status in MB (Linux), or NaN elsewhere. */
    private static double residentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
