/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.Backend;
import dev.calm.energy.MixtureHeadConfig;
import dev.calm.eval.BrierLM;
import dev.calm.examples.study.AutoencoderRecipe;
import dev.calm.examples.study.CalmRecipe;
import dev.calm.examples.study.Study;
import dev.calm.examples.study.StudyArm;
import dev.calm.examples.study.StudyData;
import dev.calm.examples.study.StudyResult;
import dev.calm.experiment.CalmExperiment;
import dev.calm.experiment.Experiment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generative head at matched steps on one autoencoder: the paper's energy head with 1 or 3 blocks, N 4 or 8
 * and M 16 or 100, against the mixture head of the study. At the tiny scale it asserts the direction the brown
 * scale measured: the mixture head's samples score a higher Brier-1 than the paper's head's.
 */
@CalmExperiment(seed = 3)
class HeadStudyExperiment {

    private static final Logger LOG = LoggerFactory.getLogger(HeadStudyExperiment.class);

    @BeforeAll
    static void threads() {
        if (StudyScale.current() == StudyScale.TINY) {
            Backend.setThreads(1);
        }
    }

    @Test
    void heads(Experiment experiment) {
        StudyScale scale = StudyScale.current();
        StudyData data = scale.data(experiment);
        AutoencoderRecipe ae = scale.autoencoder(data.vocabSize());
        CalmRecipe paper = scale.calm(data.vocabSize());
        List<StudyArm> arms = new ArrayList<>();
        arms.add(new StudyArm("energy head, 1 block, N 8, M 100", ae, paper));
        if (scale == StudyScale.BROWN) {
            arms.add(new StudyArm("energy head, 3 blocks", ae, paper.with(paper.config().withHead(
                    paper.config().head().withNumMlpLayers(3)))));
            arms.add(new StudyArm("energy head, N 4", ae, paper.with(paper.config().withHead(
                    paper.config().head().withSamples(4, 100)))));
            arms.add(new StudyArm("energy head, M 16", ae, paper.with(paper.config().withHead(
                    paper.config().head().withSamples(8, 16)))));
        }
        arms.add(new StudyArm("mixture head, 64 components", ae,
                paper.with(paper.config().withMixtureHead(MixtureHeadConfig.defaults()))));
        Study study = new Study(data, experiment.runDir(), experiment.manager(), experiment.seed(), scale.evalBlocks());
        Map<String, BrierLM.Result> references = study.references();
        StringBuilder table = new StringBuilder(StudyResult.header());
        List<StudyResult> results = new ArrayList<>();
        for (StudyArm arm : arms) {
            StudyResult r = study.run(arm);
            results.add(r);
            table.append(r.row());
            r.metrics().forEach((k, v) -> experiment.metrics().record(arm.name() + "." + k, v));
        }
        references.forEach((name, r) -> experiment.metrics().record(name + ".brier1", r.brier()[0]));
        LOG.info("{} scale, references {}:\n{}", scale, references, table);
        double energy = results.get(0).brier().brier()[0];
        double mixture = results.get(results.size() - 1).brier().brier()[0];
        assertTrue(mixture > energy, "the mixture head's Brier-1 " + mixture + " should exceed the energy head's "
                + energy);
    }
}
