/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import org.junit.jupiter.api.Test;

class AutoencoderConfigTest {

    @Test
    void paperDefaultsRoundTripWithTheReferenceNames() {
        AutoencoderConfig c = AutoencoderConfig.paper(32000);
        String json = Json.toJson(c);
        assertTrue(json.contains("\"patch_size\" : 4") && json.contains("\"kl_clamp\" : 0.5")
                && json.contains("\"ae_dropout\" : 0.15") && json.contains("\"num_encoder_layers\" : 2"), json);
        assertEquals(c, Json.parse(json, AutoencoderConfig.class, "ae.json"));
        assertEquals(1, c.encoderLayersBeforeSqueeze());
        assertEquals(1, c.decoderLayersBeforeExpand());
    }

    @Test
    void impossibleValuesNameTheField() {
        String json = Json.toJson(AutoencoderConfig.cpu(4096));
        CalmException e = assertThrows(CalmException.class, () ->
                Json.parse(json.replace("\"ae_dropout\" : 0.15", "\"ae_dropout\" : 1.5"), AutoencoderConfig.class, "ae.json"));
        assertTrue(e.getMessage().contains("ae_dropout must be in [0.0, 0.99], got 1.5"), e.getMessage());
        e = assertThrows(CalmException.class, () ->
                Json.parse(json.replace("\"latent_size\" : 128", "\"latent_size\" : 0"), AutoencoderConfig.class, "ae.json"));
        assertTrue(e.getMessage().contains("latent_size must be > 0"), e.getMessage());
    }

    @Test
    void aConfigWrittenBeforeThePosteriorStdOptionReadsAsLearned() {
        AutoencoderConfig c = AutoencoderConfig.cpu(4096).withPosteriorStd(0.5).withLatentSize(32).withKlWeight(0.01);
        String json = Json.toJson(c);
        assertTrue(json.contains("\"posterior_std\" : 0.5"), json);
        assertEquals(c, Json.parse(json, AutoencoderConfig.class, "ae.json"));
        String older = json.replace(",\n  \"posterior_std\" : 0.5", "");
        assertTrue(!older.contains("posterior_std"), older);
        assertEquals(c.withPosteriorStd(0), Json.parse(older, AutoencoderConfig.class, "ae.json"));
        CalmException e = assertThrows(CalmException.class, () ->
                Json.parse(json.replace("\"posterior_std\" : 0.5", "\"posterior_std\" : -1"), AutoencoderConfig.class,
                        "ae.json"));
        assertTrue(e.getMessage().contains("posterior_std must be in [0.0, 100.0], got -1.0"), e.getMessage());
    }

    @Test
    void theBuilderChangesOnlyTheFieldsItIsGivenAndValidates() {
        AutoencoderConfig paper = AutoencoderConfig.paper(24);
        assertEquals(paper, paper.toBuilder().build());
        AutoencoderConfig tiny = paper.toBuilder().hiddenSize(16).intermediateSize(40).latentSize(6).build();
        assertEquals(new AutoencoderConfig(4, 24, 16, 40, 2, 2, 6, 0.15, 0.5, 1e-3, 1e-6), tiny);
        AutoencoderConfig every = tiny.toBuilder().patchSize(2).vocabSize(30).numEncoderLayers(4).numDecoderLayers(6)
                .aeDropout(0.1).klClamp(0.25).klWeight(0.1).rmsNormEps(1e-5).posteriorStd(0.3).build();
        assertEquals(new AutoencoderConfig(2, 30, 16, 40, 4, 6, 6, 0.1, 0.25, 0.1, 1e-5, 0.3), every);
        assertEquals(every.withPatchSize(4).withLatentSize(8).withKlWeight(1e-3).withPosteriorStd(0),
                every.toBuilder().patchSize(4).latentSize(8).klWeight(1e-3).posteriorStd(0).build());
        CalmException e = assertThrows(CalmException.class, () -> paper.toBuilder().latentSize(0).build());
        assertTrue(e.getMessage().contains("latent_size"), e.getMessage());
    }
}
