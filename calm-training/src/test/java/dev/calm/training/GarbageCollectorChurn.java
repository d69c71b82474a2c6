/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.energy.EnergyFixtures;
import dev.calm.energy.TokenBaseline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVM of {@link GarbageCollectorDeterminismTest}: trains the autoencoder, CALM and the token baseline
 * (tiny sizes) for a few steps from several seeds, each twice, once as is and once with a hostile garbage
 * collector between every forward and backward pass: a full collection, time for the cleaner to free the direct
 * buffers it found unreachable, then thousands of small direct buffers filled with 1e30, which take over the
 * memory just freed. A tensor that autograd keeps but whose memory Java owns and has released then reads 1e30 in
 * the backward pass. Prints one line per run and exits 1 if any pair differs in a loss, a gradient norm or a
 * weight.
 */
public final class GarbageCollectorChurn {

    private static final float POISON = 1e30f;

    private GarbageCollectorChurn() {}

    /**
     * @param args the number of steps, then the seeds
     * @throws Exception if a run cannot be written
     */
    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        Backend.setThreads(1);
        Path dir = Files.createTempDirectory("calm-gc-churn");
        int differing = 0;
        for (int s = 1; s < args.length; s++) {
            long seed = Long.parseLong(args[s]);
            for (String model : new String[] {"autoencoder", "calm", "baseline"}) {
                String plain = run(dir.resolve(model + seed + "-plain"), model, seed, steps, false);
                String churned = run(dir.resolve(model + seed + "-churn"), model, seed, steps, true);
                boolean same = plain.equals(churned);
                differing += same ? 0 : 1;
                System.out.println(model + " seed " + seed + ": " + (same ? "identical" : "DIFFERENT\n  plain  "
                        + plain + "\n  churned " + churned));
            }
        }
        System.exit(differing == 0 ? 0 : 1);
    }

    /** Trains one model and returns its trajectory (loss and gradient norm per step) and a digest of its weights. */
    private static String run(Path runDir, String model, long seed, int steps, boolean churn) {
        try (NDManager root = Backend.newManager(Device.cpu())) {
            Objective objective = switch (model) {
                case "autoencoder" -> new AutoencoderObjective(TinyModels.tinyAutoencoder(root, seed), 0.1);
                case "calm" -> {
                    Autoencoder ae = TinyModels.tinyAutoencoder(root, seed);
                    ae.setTrainable(false);
                    yield new CalmObjective(EnergyFixtures.calm(ae, root, seed + 1));
                }
                default -> {
                    TokenBaseline baseline = new TokenBaseline(TinyModels.lmConfig());
                    baseline.initialize(root, new Rng(seed));
                    yield new TokenObjective(baseline);
                }
            };
            TrainConfig config = Runs.config(steps).seed(seed).build();
            new Trainer(churn ? new Churned(objective) : objective, Runs.chunkData(4), config, runDir).fit();
            List<String> trajectory = new ArrayList<>();
            Runs.lines(runDir).forEach(l -> trajectory.add(l.get("loss").asText() + "/" + l.get("grad_norm").asText()));
            return trajectory + " weights " + Arrays.hashCode(Runs.weights(objective.model()));
        }
    }

    /** The objective, with a garbage collection and the poisoning of freed native memory after its forward pass. */
    private static final class Churned extends TinyModels.AfterForward {
        private final List<ByteBuffer> poison = new ArrayList<>();

        Churned(Objective inner) {
            super(inner);
        }

        @Override
        TrainingLoss afterForward(TrainingLoss out) {
            poison.clear();
            System.gc();
            try {
                Thread.sleep(5); // the reference handler frees the unreachable direct buffers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 3)).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(POISON);
                }
                poison.add(b);
            }
            return out;
        }
    }
}
