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
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * libtorch calls per generation step of the {@code small} preset's token baseline and CALM, at batch 1 and 16:
 * the calls of a 12-step generation less those of a 4-step one, over 8, counted by {@link OpCounter} (as
 * {@code calm bench} counts them). For a build without {@code OpCounter}, put this branch's
 * {@code dev/calm/core/OpCounter*.class} first on the class path. Run from the repository root:
 *
 * <pre>java -cp 'calm-examples/target/calm-examples.jar:calm-examples/target/lib/*' scripts/benchmarks/CallsPerStep.java</pre>
 */
public class CallsPerStep {
    public static void main(String[] args) {
        int vocab = 4096;
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
            for (int batch : new int[] {1, 16}) {
                int k = 0;
                for (StepModel model : List.<StepModel>of(baseline, calm)) {
                    int perStep = k++ == 0 ? 1 : 4;
                    Generator g = new Generator(model, root, 0);
                    int[] counts = new int[2];
                    int[] steps = {4, 12};
                    for (int i = 0; i < 2; i++) {
                        GenerationConfig c = GenerationConfig.of(steps[i] * perStep).withStopAtEndOfText(false);
                        g.generate(Collections.nCopies(batch, prompt), c, rng);
                        try (OpCounter counter = OpCounter.start()) {
                            g.generate(Collections.nCopies(batch, prompt), c, rng);
                            counts[i] = counter.stop().total();
                        }
                    }
                    line.append(String.format("%s batch %d: %.1f calls/step; ", perStep == 1 ? "baseline" : "calm",
                            batch, (counts[1] - counts[0]) / 8.0));
                }
            }
            System.out.println(line);
        }
    }
}
