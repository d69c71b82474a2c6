/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.eval.BrierLM;
import dev.calm.examples.study.AutoencoderRecipe;
import dev.calm.examples.study.CalmRecipe;
import dev.calm.examples.study.Study;
import dev.calm.examples.study.StudyArm;
import dev.calm.examples.study.StudyData;
import dev.calm.examples.study.StudyResult;
import dev.calm.experiment.Experiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ablation of the small-scale study: its arms through a {@link Study} at the current {@link StudyScale},
 * every figure recorded in the experiment's report, and a Markdown table (references, then one row per arm) written
 * beside the report as {@code <test>.md}, the form docs/measured.md quotes.
 */
final class Ablation {

    private static final Logger LOG = LoggerFactory.getLogger(Ablation.class);

    /**
     * What an ablation's arms are built from.
     *
     * @param scale the scale the study runs at
     * @param data the corpus
     * @param autoencoder the scale's autoencoder recipe
     * @param calm the scale's CALM recipe
     */
    record Context(StudyScale scale, StudyData data, AutoencoderRecipe autoencoder, CalmRecipe calm) {}

    /**
     * What an ablation measured.
     *
     * @param scale the scale it ran at
     * @param references Brier-n of the reference samplers on the arms' blocks
     * @param arms the arms' results, in order
     */
    record Outcome(StudyScale scale, Map<String, BrierLM.Result> references, List<StudyResult> arms) {

        /**
         * @param name an arm's name
         * @return its result
         */
        StudyResult arm(String name) {
            return arms.stream().filter(a -> a.arm().equals(name)).findFirst()
                    .orElseThrow(() -> new CalmException("no arm named " + name));
        }

        /**
         * @param name an arm's name
         * @return its Brier-1
         */
        double brier1(String name) {
            return arm(name).brier().brier()[0];
        }
    }

    private Ablation() {}

    /**
     * @param experiment the running experiment
     * @param title the table's title
     * @param arms the arms, built from the scale's data and recipes
     * @return what the arms measured
     */
    static Outcome run(Experiment experiment, String title, Function<Context, List<StudyArm>> arms) {
        StudyScale scale = StudyScale.current();
        if (scale == StudyScale.TINY) {
            Backend.setThreads(1); // tiny models are bound by per-op overhead; a second thread only adds contention
        }
        StudyData data = scale.data(experiment);
        Context context = new Context(scale, data, scale.autoencoder(data.vocabSize()), scale.calm(data.vocabSize()));
        Study study = new Study(data, experiment.runDir(), experiment.manager(), experiment.seed(), scale.evalBlocks(),
                scale.autoencoderCache());
        Map<String, BrierLM.Result> references = new LinkedHashMap<>(study.references());
        references.forEach((name, r) -> {
            for (int n = 0; n < r.brier().length; n++) {
                experiment.metrics().record(name + ".brier" + (n + 1), r.brier()[n]);
            }
        });
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "### %s (%s scale, corpus %s, seed %d)%n%n",
                title, scale.name().toLowerCase(Locale.ROOT), data.name(), experiment.seed()));
        table.append("| reference sampler | Brier-1 | Brier-2 | Brier-3 | Brier-4 |\n|---|---:|---:|---:|---:|\n");
        references.forEach((name, r) -> table.append(String.format(Locale.ROOT, "| %s | %.4f | %.5f | %.6f | %.6f |%n",
                name, r.brier()[0], r.brier()[1], r.brier()[2], r.brier()[3])));
        table.append('\n').append(StudyResult.header());
        List<StudyResult> results = new ArrayList<>();
        for (StudyArm arm : arms.apply(context)) {
            StudyResult r = study.run(arm);
            results.add(r);
            table.append(r.row());
            r.metrics().forEach((k, v) -> experiment.metrics().record(arm.name() + "." + k, v));
        }
        LOG.info("{}\n{}", title, table);
        Path file = experiment.reportFile().resolveSibling(
                experiment.reportFile().getFileName().toString().replaceAll("\\.json$", ".md"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, table);
        } catch (IOException e) {
            throw new CalmException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new Outcome(scale, references, results);
    }
}
