/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.llama.TransformerConfig;
import org.junit.jupiter.api.Test;

/** Training FLOPs of a tiny configuration worked out by hand, and the 6N rule of thumb for long sequences. */
class TrainingFlopsTest {

    /** d 4, intermediate 6, 1 layer, 2 query heads of size 2 over 1 key/value head, V 10. */
    private static final TransformerConfig TINY = new TransformerConfig(10, 4, 6, 1, 2, 1, 64, 10000, 1e-6);

    /** Its autoencoder: K 2, V 10, d 4, intermediate 6, 2 encoder and 2 decoder layers, l 3. */
    private static final AutoencoderConfig TINY_AE =
            AutoencoderConfig.paper(10).toBuilder().patchSize(2).hiddenSize(4).intermediateSize(6).latentSize(3).build();

    @Test
    void backboneForwardByHand() {
        // Per position (2 m k n for [m, k] x [k, n], with m = 1 position):
        //   q_proj 4 -> 4: 2*4*4 = 32; k_proj 4 -> 2: 2*4*2 = 16; v_proj 4 -> 2: 16; o_proj 4 -> 4: 32   -> 96
        //   SwiGLU gate 4 -> 6: 48, up 4 -> 6: 48, down 6 -> 4: 48                                    -> 144
        //   = 240 per position.
        // Attention: position t (0-based) reads t + 1 keys; scores q.k and the weighted values cost
        //   2 * (2 heads * 2 dims) * (t + 1) each, 16 (t + 1) together.
        // T = 3: 3 * 240 + 16 * (1 + 2 + 3) = 720 + 96 = 816.
        assertEquals(816.0, TrainingFlops.backboneForward(TINY, 3), 1e-9);
        // T = 1: 240 + 16 = 256; two layers double it.
        assertEquals(256.0, TrainingFlops.backboneForward(TINY, 1), 1e-9);
        TransformerConfig twoLayers = new TransformerConfig(10, 4, 6, 2, 2, 1, 64, 10000, 1e-6);
        assertEquals(2 * 816.0, TrainingFlops.backboneForward(twoLayers, 3), 1e-9);
    }

    @Test
    void tokenBaselineByHand() {
        // seqLen 4: positions 0..2 predict tokens 1..3 (T - 1 = 3 positions):
        //   backbone 816 (above) + lm_head 4 -> 10 at 2*4*10 = 80 per position, 240 in all = 1056 forward;
        //   forward + backward = 3 * 1056 = 3168 per sequence, / 4 tokens = 792 per token.
        assertEquals(792.0, TrainingFlops.tokenBaseline(TINY, 4), 1e-9);
    }

    @Test
    void calmByHand() {
        // CALM on the same backbone, K 2, l 3, head: noise 2, 1 block, N 2, M 3; seqLen 8 = 4 chunks, of which
        // chunks 0..2 predict chunks 1..3: 3 positions.
        //   backbone over 3 positions: 816
        //   embed_proj per position: Linear(K*d = 8 -> 2d = 8) 128 + Linear(8 -> 4) 64 = 192
        //   head per sample: noise_embd 2 -> 4: 16; block (noise half of linears.0 4 -> 4: 32, linears.2 32,
        //     linears.4 4 -> 8: 64, down_proj 32) = 160; final linears.0 32, linears.2 4 -> 3: 24; = 232
        //   head per position (shared by the N samples): hidden_embd 32 + the block's hidden half of linears.0 32 = 64
        //   energy score Gram products: [N, l] x [l, N] 2*2*3*2 = 24 and [N, l] x [l, M] 2*2*3*3 = 36: 60
        //   trained per position: 192 + 2 * 232 + 64 + 60 = 780; per sequence 816 + 3 * 780 = 3156
        // Frozen encoder per target chunk (AE d 4, intermediate 6, 1 + 1 layers, K 2, l 3):
        //   1 layer per token before the squeeze: 2 tokens * 144 = 288; squeeze 8 -> 4: 64; 1 layer: 144;
        //   hidden_to_latent 4 -> 6: 48; = 544, forward only, 3 target chunks.
        // Per token: (3 * 3156 + 3 * 544) / 8 = (9468 + 1632) / 8 = 1387.5
        CalmConfig calm = new CalmConfig(TINY, 2, 3, new EnergyHeadConfig(2, 1, 2, 3, 1.0));
        AutoencoderConfig ae = TINY_AE;
        assertEquals(544.0, TrainingFlops.encoderForward(ae), 1e-9);
        assertEquals(1387.5, TrainingFlops.calm(calm, ae, 8), 1e-9);
    }

    @Test
    void autoencoderByHand() {
        // AE d 4, intermediate 6, 1 + 1 encoder and 1 + 1 decoder layers, K 2, l 3, V 10, per chunk of 2 tokens:
        //   encoder 544 (calmByHand);
        //   decoder: latent_to_hidden 3 -> 4: 24; 1 layer on the chunk vector: 144; expand 4 -> 8: 64;
        //     per token 1 layer 144 + tied logits 4 -> 10: 80, two tokens: 448; = 680
        // trained: 3 * (544 + 680) = 3672 per chunk, / 2 tokens = 1836 per token.
        AutoencoderConfig ae = new AutoencoderConfig(2, 10, 4, 6, 2, 2, 3, 0.15, 0.5, 1e-3, 1e-6);
        assertEquals(680.0, InferenceFlops.decoderForward(ae), 1e-9);
        assertEquals(1836.0, TrainingFlops.autoencoder(ae), 1e-9);
    }

    @Test
    void calmWithTheMixtureHeadByHand() {
        // The same CALM with a mixture head of C 2 components (M 3) instead of the energy head:
        //   head per position: hidden_embd 4 -> 4: 32, features 32, logits 4 -> 2: 16, means 4 -> C*l = 6: 48,
        //     log_scales 16: 144
        //   mixture energy score: two draws of C components, [C, l] x [l, C] 2*2*3*2 = 24 and 2 x [C, l] x [l, M]
        //     2 * 2*2*3*3 = 72: 96
        //   trained per position: 192 + 144 + 96 = 432; per sequence 816 + 3 * 432 = 2112
        // Per token: (3 * 2112 + 3 * 544) / 8 = (6336 + 1632) / 8 = 996
        CalmConfig calm = new CalmConfig(TINY, 2, 3, new EnergyHeadConfig(2, 1, 2, 3, 1.0))
                .withMixtureHead(new MixtureHeadConfig(2, 3, 1.0, 0.3));
        AutoencoderConfig ae = TINY_AE;
        assertEquals(996.0, TrainingFlops.calm(calm, ae, 8), 1e-9);
    }

    @Test
    void calmWithTheFlowAndDiffusionHeadsByHand() {
        // The same CALM with a flow head of 1 block and S 2 draws per position (its steps play no part in training):
        //   cond_embed 4 -> 4: 32, once per position
        //   one network evaluation per draw (its own t): input_proj 3 -> 4: 24; time_embed mlp.0 256 -> 4: 2048,
        //     mlp.2 4 -> 4: 32; the block: the condition's half of linears.0 32 + the x path 160 (as the energy
        //     head's) = 192; final linears.0 32, linears.2 4 -> 3: 24 = 56;  24 + 2080 + 192 + 56 = 2352
        //   trained per position: 192 + 32 + 2 * 2352 = 4928; per sequence 816 + 3 * 4928 = 15600
        // Per token: (3 * 15600 + 3 * 544) / 8 = (46800 + 1632) / 8 = 6054
        CalmConfig tiny = new CalmConfig(TINY, 2, 3, new EnergyHeadConfig(2, 1, 2, 3, 1.0));
        AutoencoderConfig ae = TINY_AE;
        assertEquals(6054.0, TrainingFlops.calm(tiny.withFlowHead(new FlowHeadConfig(1, 2, 10)), ae, 8), 1e-9);
        // A diffusion head of 2 blocks and S 1: 2352 + 192 = 2544 per evaluation; per position 192 + 32 + 2544 =
        // 2768; per sequence 816 + 3 * 2768 = 9120; per token (27360 + 1632) / 8 = 3624
        DiffusionHeadConfig diffusion = new DiffusionHeadConfig(2, 1, 1000, 100, DiffusionHeadConfig.EPSILON, false);
        assertEquals(3624.0, TrainingFlops.calm(tiny.withDiffusionHead(diffusion), ae, 8), 1e-9);
    }

    @Test
    void longSequencesFollowSixTimesTheParametersPlusAttention() {
        // Kaplan et al.: training costs about 6 N FLOPs per token for N non-embedding parameters (the LM head
        // included), plus attention, 3 * L * 4 * (q width) * (mean prefix T/2) = 6 L q T per token. Norm gains are
        // counted in N here (they cost no matmul) and the last position is not trained ((T-1)/T): together well
        // under 1% at T = 2048 for the small backbone.
        TransformerConfig small = TransformerConfig.small(512);
        int seqLen = 2048;
        TokenBaseline model = new TokenBaseline(small);
        long nonEmbedding = model.numParameters() - (long) small.vocabSize() * small.hiddenSize();
        double attention = 6.0 * small.numHiddenLayers() * small.numAttentionHeads() * small.headDim() * seqLen;
        double rule = 6.0 * nonEmbedding + attention;
        double counted = TrainingFlops.tokenBaseline(small, seqLen);
        assertEquals(1.0, counted / rule, 0.01, "counted " + counted + " vs 6N + attention " + rule);
        // and CALM with K = 4 spends far less backbone compute per token than the baseline on the same backbone
        CalmConfig calm = CalmConfig.small(512);
        double calmFlops = TrainingFlops.calm(calm, AutoencoderConfig.cpu(512), seqLen);
        assertTrue(calmFlops < counted, "CALM " + calmFlops + " vs tokens " + counted);
    }
}
