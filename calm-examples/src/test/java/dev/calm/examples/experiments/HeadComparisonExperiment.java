/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.StepScope;
import dev.calm.energy.Calm;
import dev.calm.energy.CalmConfig;
import dev.calm.energy.DiffusionHeadConfig;
import dev.calm.energy.FlowHeadConfig;
import dev.calm.energy.InferenceFlops;
import dev.calm.examples.study.AutoencoderRecipe;
import dev.calm.examples.study.CalmRecipe;
import dev.calm.examples.study.StudyArm;
import dev.calm.examples.study.StudyResult;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import dev.calm.sampling.GenerationConfig;
import dev.calm.sampling.Generations;
import dev.calm.sampling.Generator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paper's head comparison at this project's scale: on one autoencoder and one backbone, the paper's energy head,
 * the flow-matching head (10 midpoint steps) and the diffusion head (v prediction; 25 and 100 sampling steps, the
 * same training), each with the energy head's depth, trained for the energy head's training FLOPs (steps matched
 * by {@link dev.calm.energy.TrainingFlops}, so wall time is equal to the extent FLOPs set it; the table records
 * each arm's seconds). For each: Brier-1..4 and BrierLM of its samples, the head's share of inference FLOPs per
 * generated token, and generation tokens/s at batch 1 (an untrained model of the arm's shape, T = 1, no stop at
 * end of text: the speed does not depend on the weights). The tables go beside the report as
 * {@code heads.md}. At the tiny scale the 100-step diffusion arm is not trained (its training is the 25-step
 * arm's; the CI budget goes to the other arms): its FLOPs share and speed are still measured.
 *
 * <p>At the tiny scale it asserts directions only: the multi-step heads spend more of a generated token's FLOPs in
 * the head than the energy head does, 100 diffusion steps more than 25, and every head lowers its own held-out loss
 * by 10% or more (measured, seed 3: energy 7.84 -> 5.26, flow 2.00 -> 1.38, diffusion 1.00 -> 0.80). At that scale
 * no head's Brier-1 clears the bigram sampler's (0.02 to 0.04 against 0.28), so Brier is recorded, not compared.
 * The brown scale ({@code -Dcalm.study=brown}) adds the study's mixture head, whose components start spread over
 * the chunks near its loss's context-free optimum: it is asserted only to lower its loss (measured: 13.76 -> 13.41,
 * the paper's energy head 19.28 -> 13.65; docs/measured.md).
 */
@CalmExperiment(seed = 3)
class HeadComparisonExperiment {

    private static final String ENERGY = "energy head";
    private static final String FLOW = "flow head, 10 midpoint steps";
    private static final String DIFFUSION_25 = "diffusion head (v), 25 steps";
    private static final String DIFFUSION_100 = "diffusion head (v), 100 steps";
    private static final String MIXTURE = "mixture head (the study's)";
    /** Tokens generated per speed measurement, after one warm-up of the same length. */
    private static final int SPEED_TOKENS = 64;

    @Test
    void heads(Experiment experiment) throws IOException {
        Map<String, CalmConfig> configs = new LinkedHashMap<>();
        AutoencoderConfig[] aeConfig = new AutoencoderConfig[1]; // set by the arms' builder
        int[] blockLength = new int[1];
        Ablation.Outcome outcome = Ablation.run(experiment, "The paper's head comparison at equal training FLOPs", c -> {
            AutoencoderRecipe ae = c.autoencoder();
            CalmRecipe energy = StudyScale.paperHead(c.calm());
            CalmConfig base = energy.config();
            int blocks = base.head().numMlpLayers();
            int samples = base.head().numSamples();
            aeConfig[0] = ae.config();
            blockLength[0] = c.data().train()[0].length;
            DiffusionHeadConfig diffusion = new DiffusionHeadConfig(blocks, samples,
                    DiffusionHeadConfig.DEFAULT_DIFFUSION_STEPS, 25, DiffusionHeadConfig.V, false);
            configs.put(ENERGY, base);
            configs.put(FLOW, base.withFlowHead(new FlowHeadConfig(blocks, samples, FlowHeadConfig.DEFAULT_STEPS)));
            configs.put(DIFFUSION_25, base.withDiffusionHead(diffusion));
            configs.put(DIFFUSION_100, base.withDiffusionHead(diffusion.withSamplingSteps(100)));
            if (c.scale() == StudyScale.BROWN) {
                configs.put(MIXTURE, c.calm().config());
            }
            List<StudyArm> arms = new ArrayList<>();
            configs.forEach((name, config) -> {
                if (name.equals(DIFFUSION_100) && c.scale() == StudyScale.TINY) {
                    return; // it trains as the 25-step arm does; at the tiny scale only its cost is measured
                }
                int steps = MatchedCompute.steps(energy, config, ae.config(), blockLength[0]);
                arms.add(new StudyArm(name, ae, energy.with(config).withBudget(steps, energy.batchSize(),
                        energy.warmupSteps())));
                experiment.metrics().record(name + ".steps", steps);
            });
            return arms;
        });

        AutoencoderConfig ae = aeConfig[0];
        int contextPositions = blockLength[0] / ae.patchSize(); // the chunks of a training block
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n| arm | steps | training s | head share "
                + "of inference FLOPs | tokens/s at batch 1 |%n|---|---:|---:|---:|---:|%n"));
        Map<String, Double> share = new LinkedHashMap<>();
        for (Map.Entry<String, CalmConfig> e : configs.entrySet()) {
            CalmConfig config = e.getValue().withChunking(ae.patchSize(), ae.latentSize());
            share.put(e.getKey(), InferenceFlops.headShare(config, ae, contextPositions));
            double speed = tokensPerSecond(config, ae, experiment);
            experiment.metrics().record(e.getKey() + ".head_flops_share", share.get(e.getKey()))
                    .record(e.getKey() + ".tokens_per_second_batch1", speed);
            boolean trained = outcome.arms().stream().anyMatch(a -> a.arm().equals(e.getKey()));
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f%% | %.1f |%n", e.getKey(),
                    trained ? String.format(Locale.ROOT, "%.0f", experiment.metrics().get(e.getKey() + ".steps")) : "-",
                    trained ? String.format(Locale.ROOT, "%.1f", outcome.arm(e.getKey()).calmSeconds()) : "-",
                    100 * share.get(e.getKey()), speed));
        }
        Path md = experiment.reportFile().resolveSibling(
                experiment.reportFile().getFileName().toString().replaceAll("\\.json$", ".md"));
        Files.writeString(md, table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);

        assertTrue(share.get(FLOW) > share.get(ENERGY), "the flow head's share " + share);
        assertTrue(share.get(DIFFUSION_100) > share.get(DIFFUSION_25) && share.get(DIFFUSION_25) > share.get(ENERGY),
                "the diffusion head's shares " + share);
        for (StudyResult r : outcome.arms()) {
            // the mixture's components start spread over the chunks (std 1), near the context-free optimum of its
            // loss, so it has less to lose: brown scale 13.76 -> 13.41; the paper's heads start far from theirs
            double bound = r.arm().equals(MIXTURE) ? 1 : 0.9;
            assertTrue(r.energyAfter() < bound * r.energyBefore(), r.arm() + ": its own held-out loss "
                    + r.energyBefore() + " -> " + r.energyAfter());
        }
    }

    /**
     * Generation speed of a model of this shape: tokens per second of one sequence, after a warm-up.
     *
     * @return tokens/s at batch 1
     */
    private static double tokensPerSecond(CalmConfig config, AutoencoderConfig aeConfig, Experiment experiment) {
        NDManager root = experiment.manager();
        try (StepScope scope = StepScope.open(root)) {
            NDManager m = scope.manager();
            Autoencoder ae = new Autoencoder(aeConfig);
            ae.initialize(m, new Rng(experiment.seed()).fork("speed autoencoder"));
            Calm calm = new Calm(config, ae);
            calm.initialize(m, new Rng(experiment.seed()).fork("speed calm"));
            Generator generator = new Generator(calm, 0);
            GenerationConfig generation = GenerationConfig.of(SPEED_TOKENS).withStopAtEndOfText(false);
            long[] prompt = {1, 2, 3, 4};
            generator.generate(prompt, generation, new Rng(1)); // warm-up
            Generations g = generator.generate(prompt, generation, new Rng(2));
            if (g.tokens() < SPEED_TOKENS) {
                throw new CalmException("generated " + g.tokens() + " tokens, expected " + SPEED_TOKENS);
            }
            return g.tokensPerSecond();
        }
    }
}
