/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.llama.TransformerConfig;
import org.junit.jupiter.api.Test;

/** Generation FLOPs of a tiny configuration worked out by hand, and the paper's table (section 5). */
class InferenceFlopsTest {

    /** d 4, intermediate 6, 1 layer, 2 query heads of size 2 over 1 key/value head, V 10 (as TrainingFlopsTest). */
    private static final TransformerConfig TINY = new TransformerConfig(10, 4, 6, 1, 2, 1, 64, 10000, 1e-6);

    /** CALM on TINY: K 2, l 3, head noise 2, 1 block (N 2 and M 3 play no part in generation). */
    private static final CalmConfig TINY_CALM = new CalmConfig(TINY, 2, 3, new EnergyHeadConfig(2, 1, 2, 3, 1.0));

    /** Its autoencoder: K 2, V 10, d 4, intermediate 6, 2 encoder and 2 decoder layers, l 3. */
    private static final AutoencoderConfig TINY_AE =
            AutoencoderConfig.paper(10).toBuilder().patchSize(2).hiddenSize(4).intermediateSize(6).latentSize(3).build();

    private static final int VOCAB = 128256; // Llama-3 tokenizer

    /** The paper's attention context. */
    private static final int CONTEXT = InferenceFlops.PAPER_CONTEXT;

    @Test
    void tokenBaselineByHand() {
        // One new position (2 m k n with m = 1):
        //   q_proj 4 -> 4: 32; k_proj 4 -> 2: 16; v_proj 4 -> 2: 16; o_proj 4 -> 4: 32             -> 96
        //   SwiGLU gate 4 -> 6: 48, up 48, down 6 -> 4: 48                                       -> 144
        //   attention against 3 keys: scores and values 2 * (2 heads * 2 dims) * 3 each           -> 48
        //   lm_head 4 -> 10: 2*4*10                                                              -> 80
        //   = 96 + 144 + 48 + 80 = 368
        assertEquals(368.0, InferenceFlops.tokenBaseline(TINY, 3), 1e-9);
        // each further key adds 16 per layer; a second layer doubles the backbone but not the LM head
        assertEquals(384.0, InferenceFlops.tokenBaseline(TINY, 4), 1e-9);
        TransformerConfig twoLayers = new TransformerConfig(10, 4, 6, 2, 2, 1, 64, 10000, 1e-6);
        assertEquals(2 * 288.0 + 80, InferenceFlops.tokenBaseline(twoLayers, 3), 1e-9);
    }

    @Test
    void decoderByHand() {
        // latent_to_hidden 3 -> 4: 2*3*4 = 24; 1 layer on the vector: 3 * 2*4*6 = 144; expand 4 -> 8: 64;
        // 1 layer on each of the 2 tokens: 288; tied logits 4 -> 10 per token: 2 * 80 = 160.
        // = 24 + 144 + 64 + 288 + 160 = 680
        assertEquals(680.0, InferenceFlops.decoderForward(TINY_AE), 1e-9);
    }

    @Test
    void calmByHand() {
        // One step at a context of 3 chunk positions:
        //   embed_proj of the fed-back chunk: Linear(K*d = 8 -> 2d = 8) 128 + Linear(8 -> 4) 64          = 192
        //   backbone position: projections 96 + SwiGLU 144 + attention 16 * 3                          = 288
        //   head, one sample: noise_embd 2 -> 4: 16; hidden_embd 4 -> 4: 32;
        //     block linears.0 8 -> 4 (LN(x) and y halves): 64, linears.2 4 -> 4: 32, linears.4 4 -> 8: 64,
        //     down_proj 32 = 192; final linears.0 32, linears.2 4 -> 3: 24 = 56;  16 + 32 + 192 + 56      = 296
        //   decoder (above)                                                                              = 680
        //   = 192 + 288 + 296 + 680 = 1456 per step of K = 2 tokens: 728 per token
        assertEquals(728.0, InferenceFlops.calm(TINY_CALM, TINY_AE, 3), 1e-9);
        // a further chunk of context adds 16 per step, 8 per token
        assertEquals(736.0, InferenceFlops.calm(TINY_CALM, TINY_AE, 4), 1e-9);
    }

    @Test
    void calmWithTheFlowAndDiffusionHeadsByHand() {
        // The head's sample is the only change. One network evaluation of d 4, l 3 and B blocks:
        //   input_proj l -> d: 2*3*4 = 24; time_embed.mlp.0 256 -> d (the sinusoidal features): 2*256*4 = 2048,
        //   time_embed.mlp.2 d -> d: 32; each block as the energy head's (linears 8 -> 4, 4 -> 4, 4 -> 8,
        //   down_proj 4 -> 4): 64 + 32 + 64 + 32 = 192; final linears.0 4 -> 4: 32, linears.2 4 -> 3: 24
        //   = 24 + 2048 + 32 + 192 B + 32 + 24: 2352 with 1 block, 2544 with 2.
        //   cond_embed (the hidden state, once per sample) 4 -> 4: 32.
        //   flow head, 1 block, 3 midpoint steps: 32 + 2 * 3 * 2352 = 14144; the step 192 + 288 + 14144 + 680 =
        //   15304, 7652 per token
        //   diffusion head, 2 blocks, 5 sampling steps: 32 + 5 * 2544 = 12752; the step 13912, 6956 per token
        CalmConfig flow = TINY_CALM.withFlowHead(new FlowHeadConfig(1, 8, 3));
        assertEquals(7652.0, InferenceFlops.calm(flow, TINY_AE, 3), 1e-9);
        CalmConfig diffusion = TINY_CALM.withDiffusionHead(DiffusionHeadConfig.of(2).withSamplingSteps(5));
        assertEquals(6956.0, InferenceFlops.calm(diffusion, TINY_AE, 3), 1e-9);
        // the head's share of a step: 14144 / 15304 for the flow head, 296 / 1456 for the energy head
        assertEquals(14144.0 / 15304, InferenceFlops.headShare(flow, TINY_AE, 3), 1e-12);
        assertEquals(296.0 / 1456, InferenceFlops.headShare(TINY_CALM, TINY_AE, 3), 1e-12);
    }

    @Test
    void rejectsAnEmptyContextAndAMismatchedAutoencoder() {
        assertThrows(RuntimeException.class, () -> InferenceFlops.tokenBaseline(TINY, 0));
        assertThrows(RuntimeException.class, () -> InferenceFlops.calm(TINY_CALM, TINY_AE, 0));
        AutoencoderConfig otherK = TINY_AE.withPatchSize(4);
        assertThrows(RuntimeException.class, () -> InferenceFlops.calm(TINY_CALM, otherK, 3));
    }

    /**
     * The paper's table, "inference FLOPs / token" with attention at context 2048. Its CALM rows are reproduced
     * with 2048 backbone positions (chunks) and the decoder's output projection counted; deviations:
     * Transformer-S +0.5%, CALM-M +0.2%, CALM-L -0.8%, CALM-XL +3.3%. Transformer-M and -L are not checked: the
     * notes give no shapes for them.
     */
    @Test
    void paperTable() {
        // Transformer-S: 12 layers, d 768, ff 2048, 12 heads of 64, untied LM head over the Llama-3 vocabulary:
        //   12 * (8 * 768^2 + 6 * 768 * 2048 + 4 * 768 * 2048) + 2 * 768 * 128256
        //   = 12 * (4,718,592 + 9,437,184 + 6,291,456) + 197,001,216 = 442,368,000
        TransformerConfig s = new TransformerConfig(VOCAB, 768, 2048, 12, 12, 12, 2048, 10000, 1e-6);
        assertEquals(442_368_000.0, InferenceFlops.tokenBaseline(s, CONTEXT), 1e-3);
        assertWithin(4.4e8, InferenceFlops.tokenBaseline(s, CONTEXT), 0.01, "Transformer-S");

        AutoencoderConfig ae = AutoencoderConfig.paper(VOCAB); // d 512, ff 1280, 1 + 1 decoder layers, l 128, K 4
        // The decoder, which dominates the small CALMs (a layer is SwiGLU only: 3 * 2 * 512 * 1280 = 3,932,160):
        //   latent_to_hidden 128 -> 512: 2*128*512 = 131,072; 1 layer on the vector: 3,932,160;
        //   expand 512 -> 4*512: 2*512*2048 = 2,097,152; per token (x 4): 1 layer 3,932,160 + tied logits
        //   2*512*128256 = 131,334,144, so 4 * 135,266,304 = 541,065,216
        //   = 131,072 + 3,932,160 + 2,097,152 + 541,065,216 = 547,225,600
        assertEquals(547_225_600.0, InferenceFlops.decoderForward(ae), 1e-3);
        // CALM-M: 16 layers, d 1024, ff 2752, 16 heads of 64 over 16 key/value heads; K 4, l 128, noise 64, 4
        // head blocks; per step at 2048 chunk positions:
        //   backbone: 16 * (projections 2 * 4 * 1024^2 = 8,388,608 + SwiGLU 6 * 1024 * 2752 = 16,908,288)
        //     = 404,750,336
        //   attention: 16 * 4 * 1024 * 2048 = 134,217,728
        //   embed_proj: Linear(4096 -> 2048) 2*4096*2048 = 16,777,216 + Linear(2048 -> 1024) 4,194,304 = 20,971,520
        //   head, one sample: noise 64 -> 1024: 131,072; hidden 1024 -> 1024: 2,097,152; 4 blocks of
        //     6 * 2 * 1024^2 = 12,582,912 each: 50,331,648; final 1024 -> 1024: 2,097,152 and 1024 -> 128: 262,144
        //     = 54,919,168
        //   decoder 547,225,600
        //   = 1,162,084,352 per step, 290,521,088 per token; the table's 2.9e8 is 0.2% lower
        CalmConfig m = CalmConfig.calmM(VOCAB);
        assertEquals(290_521_088.0, InferenceFlops.calm(m, ae, CONTEXT), 1e-3);
        assertWithin(2.9e8, InferenceFlops.calm(m, ae, CONTEXT), 0.01, "CALM-M");
        // CALM-L: 16 layers, d 1536, ff 4096, 12 heads of 128 (attention depends on d only); 4.562e8
        CalmConfig l = calm(new TransformerConfig(VOCAB, 1536, 4096, 16, 12, 12, 2048, 10000, 1e-6));
        assertWithin(4.6e8, InferenceFlops.calm(l, ae, CONTEXT), 0.02, "CALM-L");
        // CALM-XL: 16 layers, d 2560, ff 6880, 20 heads of 128; 9.713e8, the table's 9.4e8 is 3.3% lower
        CalmConfig xl = calm(new TransformerConfig(VOCAB, 2560, 6880, 16, 20, 20, 2048, 10000, 1e-6));
        assertWithin(9.4e8, InferenceFlops.calm(xl, ae, CONTEXT), 0.05, "CALM-XL");
    }

    /**
     * The table's context counts CALM's backbone positions, not tokens: at 2048 tokens (512 chunks) CALM-M and
     * CALM-L fall 8.5% and 9.0% below the table, against 0.2% and 0.8% at 2048 chunks; and without the decoder's
     * output projection CALM-M would be 45% below.
     */
    @Test
    void paperTableCountsChunksAndTheDecodersLogits() {
        AutoencoderConfig ae = AutoencoderConfig.paper(VOCAB);
        CalmConfig m = CalmConfig.calmM(VOCAB);
        CalmConfig l = calm(new TransformerConfig(VOCAB, 1536, 4096, 16, 12, 12, 2048, 10000, 1e-6));
        double[] table = {2.9e8, 4.6e8};
        CalmConfig[] models = {m, l};
        for (int i = 0; i < models.length; i++) {
            double chunks = Math.abs(InferenceFlops.calm(models[i], ae, CONTEXT) / table[i] - 1);
            double tokens = Math.abs(InferenceFlops.calm(models[i], ae, CONTEXT / 4) / table[i] - 1);
            assertTrue(chunks < 0.01 && tokens > 0.08, "chunks " + chunks + ", tokens " + tokens);
        }
        double logitsPerToken = 2.0 * 512 * VOCAB; // the decoder's K projections to the vocabulary, / K
        double withoutLogits = InferenceFlops.calm(m, ae, CONTEXT) - logitsPerToken;
        assertTrue(withoutLogits / 2.9e8 - 1 < -0.4, "without the logits " + withoutLogits);
    }

    /** The paper's CALM with K 4, l 128 and its head: noise 64, layers / 4 blocks. */
    private static CalmConfig calm(TransformerConfig backbone) {
        EnergyHeadConfig head = EnergyHeadConfig.paper().withNumMlpLayers(backbone.numHiddenLayers() / 4);
        return new CalmConfig(backbone, 4, 128, head);
    }

    private static void assertWithin(double expected, double actual, double relative, String row) {
        double deviation = actual / expected - 1;
        assertTrue(Math.abs(deviation) <= relative, String.format(
                "%s: %.4g vs the paper's %.2g (%+.2f%%, allowed %.0f%%)",
                row, actual, expected, 100 * deviation, 100 * relative));
    }
}
