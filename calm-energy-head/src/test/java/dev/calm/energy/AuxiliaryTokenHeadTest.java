/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.energy.EnergyFixtures.LATENT;
import static dev.calm.energy.EnergyFixtures.VOCAB;
import static dev.calm.energy.EnergyFixtures.autoencoderConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.autoencoder.Autoencoder;
import dev.calm.core.Rng;
import dev.calm.core.TokenFixtures;
import dev.calm.core.config.Json;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import org.junit.jupiter.api.Test;

/**
 * The auxiliary multi-token cross-entropy of a CALM with {@code aux_token_head}: its value against a plain-Java
 * recomputation from the weights in double precision, its place in the loss, and that it leaves sampling alone.
 */
@CalmExperiment
class AuxiliaryTokenHeadTest {

    private static final int K = 2;

    private static Calm calm(NDManager manager, boolean aux) {
        Autoencoder ae = new Autoencoder(autoencoderConfig(K));
        ae.initialize(manager, new Rng(1));
        Calm calm = new Calm(CalmConfig.tiny(VOCAB, K, LATENT).withAuxTokenHead(aux), ae);
        calm.initialize(manager, new Rng(2));
        return calm;
    }

    @Test
    void theAuxiliaryCrossEntropyIsTheTiedMultiTokenSoftmax(NDManager manager) {
        Calm calm = calm(manager, true);
        NDArray tokens = TokenFixtures.randomTokens(manager, 7, 2, 3 * K, VOCAB); // 3 chunks: 2 positions per row
        TrainingLoss plain = calm.trainingLoss(tokens, new Rng(5), 0);
        TrainingLoss weighted = calm.trainingLoss(tokens, new Rng(5), 0.3);
        double ce = plain.metrics().get("aux_ce").getFloat();

        // by hand: logits_k = E (W_k h), CE averaged over the P * K next tokens
        float[] h = calm.hidden(tokens.get(":, :-" + K), null).toFloatArray(); // [2, 2, d]
        float[] w = calm.stateDict().get("aux_head.proj.weight").toFloatArray(); // [K*d, d]
        float[] e = calm.stateDict().get("transformer.embed_tokens.weight").toFloatArray(); // [V, d]
        long[] ids = tokens.toLongArray();
        int d = calm.config().backbone().hiddenSize();
        double sum = 0;
        int count = 0;
        for (int row = 0; row < 2; row++) {
            for (int p = 0; p < 2; p++) {
                for (int k = 0; k < K; k++) {
                    double[] u = new double[d];
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < d; j++) {
                            u[i] += w[(k * d + i) * d + j] * h[(row * 2 + p) * d + j];
                        }
                    }
                    double[] logits = new double[VOCAB];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < VOCAB; v++) {
                        for (int i = 0; i < d; i++) {
                            logits[v] += e[v * d + i] * u[i];
                        }
                        max = Math.max(max, logits[v]);
                    }
                    double z = 0;
                    for (double l : logits) {
                        z += Math.exp(l - max);
                    }
                    int y = (int) ids[row * 3 * K + (p + 1) * K + k];
                    sum += max + Math.log(z) - logits[y];
                    count++;
                }
            }
        }
        assertEquals(sum / count, ce, 1e-5);
        assertEquals(plain.loss().getFloat() + 0.3 * ce, weighted.loss().getFloat(), 1e-5);
        assertEquals(plain.metrics().get("energy_fidelity").getFloat(),
                weighted.metrics().get("energy_fidelity").getFloat(), 0f, "the same head draws");
    }

    @Test
    void theHeadIsSavedUnderItsNameAndTheConfigRecordsIt(NDManager manager) {
        Calm with = calm(manager, true);
        Calm without = calm(manager, false);
        assertTrue(with.stateDict().containsKey("aux_head.proj.weight"));
        assertFalse(without.stateDict().keySet().stream().anyMatch(n -> n.startsWith("aux_head")));
        assertEquals(with.numParameters() - without.numParameters(),
                (long) K * with.config().backbone().hiddenSize() * with.config().backbone().hiddenSize());
        String json = Json.toJson(with.config());
        assertTrue(json.contains("\"aux_token_head\" : true"), json);
        String older = Json.toJson(without.config()).replace(",\n  \"aux_token_head\" : false", "");
        assertFalse(older.contains("aux_token_head"), older);
        assertEquals(without.config(), Json.parse(older, CalmConfig.class, "config.json"));
    }

    @Test
    void samplingDoesNotDependOnTheAuxiliaryHead(NDManager manager) {
        Calm with = calm(manager, true);
        Calm without = calm(manager, false);
        EnergyFixtures.randomiseHeadOutput(with, manager);
        EnergyFixtures.randomiseHeadOutput(without, manager);
        NDArray tokens = TokenFixtures.randomTokens(manager, 3, 1, 2 * K, VOCAB);
        NDArray h = with.hidden(tokens, null).reshape(2, -1);
        org.junit.jupiter.api.Assertions.assertArrayEquals(without.sample(h, 3, new Rng(9)).toLongArray(),
                with.sample(h, 3, new Rng(9)).toLongArray());
    }
}
