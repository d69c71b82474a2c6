/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import static dev.calm.core.GoldenFiles.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.GoldenFiles;
import dev.calm.core.Rng;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Parameter;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.experiment.CalmExperiment;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The autoencoder against golden numbers from an independent numpy implementation of the reference's
 * modeling_autoencoder.py (src/test/resources/golden), plus shape, gradient and error invariants for every K.
 */
@CalmExperiment
class AutoencoderTest {

    /** FP32 forward against the float64 reference, whose outputs were rounded to FP32. */
    private static final float GOLDEN_TOL = 2e-5f;

    /** The golden model: V 24, d 16, intermediate 40, K 4, l 6, 2 + 2 layers. */
    static final AutoencoderConfig GOLDEN = AutoencoderConfig.paper(24).toBuilder().hiddenSize(16).intermediateSize(40).latentSize(6).build();

    private NDManager manager;

    @BeforeEach
    void open(NDManager manager) {
        this.manager = manager;
    }

    private Map<String, NDArray> io() {
        return GoldenFiles.tensors("tiny_autoencoder_io.safetensors", manager);
    }

    private Autoencoder golden() {
        Autoencoder ae = new Autoencoder(GOLDEN);
        ae.load(GoldenFiles.path("tiny_autoencoder.safetensors"), manager);
        return ae;
    }

    @Test
    void encoderMatchesTheReference() {
        Autoencoder ae = golden();
        Map<String, NDArray> io = io();
        Posterior q = ae.encode(io.get("input_ids")); // [2, 8] -> [2, 2, 6]
        assertTrue(maxAbsDiff(q.mean(), io.get("mean")) <= GOLDEN_TOL, "mean");
        assertTrue(maxAbsDiff(q.logStd(), io.get("log_std")) <= GOLDEN_TOL, "log_std");
        assertEquals(io.get("kl_clamp0").getFloat(), q.kl(0).getFloat(), 1e-4f);
        assertEquals(io.get("kl_clamp05").getFloat(), q.kl(0.5).getFloat(), 1e-4f);
    }

    @Test
    void aFixedPosteriorStdKeepsTheMeansAndFixesTheStd() {
        Autoencoder learned = golden();
        Autoencoder fixed = new Autoencoder(GOLDEN.withPosteriorStd(0.4));
        fixed.load(GoldenFiles.path("tiny_autoencoder.safetensors"), manager); // the same weights
        NDArray ids = io().get("input_ids");
        Posterior q = fixed.encode(ids);
        assertEquals(0f, maxAbsDiff(q.mean(), learned.encode(ids).mean()), "means do not depend on the std");
        assertEquals(0f, maxAbsDiff(q.std(), q.std().onesLike().mul(0.4f)), 1e-6f);
        // the KL per dimension is 0.5 (mu^2 + 0.16 - 1 - 2 ln 0.4), summed over l = 6 and averaged over chunks
        float[] mu = q.mean().toFloatArray();
        double kl = 0;
        for (float m : mu) {
            kl += 0.5 * (m * m + 0.16 - 1 - 2 * Math.log(0.4));
        }
        assertEquals(kl / (mu.length / 6.0), q.kl(0).getFloat(), 1e-4);
    }

    @Test
    void decoderMatchesTheReference() {
        Autoencoder ae = golden();
        Map<String, NDArray> io = io();
        NDArray logits = ae.decode(ae.encode(io.get("input_ids")).mean()); // [2, 8, 24]
        assertTrue(maxAbsDiff(logits, io.get("logits_mean")) <= 1e-4f, "logits from the mean");
        assertTrue(maxAbsDiff(ae.decode(io.get("z")), io.get("logits_z")) <= 1e-4f, "logits from z [2, 3, 6]");
        float ce = dev.calm.core.nn.Losses.crossEntropy(logits, io.get("input_ids")).getFloat();
        assertEquals(io.get("ce_mean").getFloat(), ce, 1e-5f);
    }

    @Test
    void decodedTokensAreTheArgmaxOfTheLogits() {
        // without gradients the decoder runs fused and skips the final norm's division (it moves no argmax):
        // the tokens are still those of the reference's logits, and those of the full decode on many latents
        Autoencoder ae = golden();
        Map<String, NDArray> io = io();
        NDArray z = new Rng(5).normal(manager, new Shape(8, 25, 6), 0f, 2f); // [8, 25, l]
        long[] full = ae.decode(z).argMax(-1).toLongArray();
        Backend.setGradMode(false);
        try {
            assertArrayEquals(io.get("logits_z").argMax(-1).toLongArray(), ae.decodeTokens(io.get("z")).toLongArray());
            NDArray tokens = ae.decodeTokens(z);
            assertEquals(new Shape(8, 100), tokens.getShape());
            assertArrayEquals(full, tokens.toLongArray());
        } finally {
            Backend.setGradMode(true);
        }
        assertArrayEquals(full, ae.decodeTokens(z).toLongArray(), "with gradients on: decode then argmax");
    }

    @Test
    void parameterNamesAreTheReferenceImplementations() {
        try (SafeTensorsReader reader = SafeTensorsReader.open(GoldenFiles.path("tiny_autoencoder.safetensors"))) {
            assertEquals(new TreeSet<>(reader.names()), new TreeSet<>(new Autoencoder(GOLDEN).namedParameters().keySet()));
        }
        Map<String, Parameter> names = new Autoencoder(AutoencoderConfig.paper(32000)).namedParameters();
        assertTrue(names.containsKey("encoder.encoder_layers.1.mlp.gate_proj.weight"));
        assertTrue(names.containsKey("decoder.decoder_layers.0.layernorm.weight"));
        assertTrue(!names.containsKey("decoder.lm_head_weight"), "the output matrix is tied, not a parameter");
        // the paper's autoencoder: 2 * 32000*512... dominated by the tied embedding
        assertEquals(32000L * 512, names.get("encoder.embed_tokens.weight").shape().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8, 16})
    void everyPatchSizeTrainsEveryParameter(int k) {
        AutoencoderConfig config = GOLDEN.withPatchSize(k);
        Autoencoder ae = new Autoencoder(config);
        Rng rng = new Rng(7);
        ae.initialize(manager, rng);
        NDArray tokens = manager.randomInteger(0, 24, new Shape(3, 2 * 16), DataType.INT64); // [3, 32]
        Posterior q = ae.encode(tokens);
        assertEquals(new Shape(3, 32 / k, 6), q.mean().getShape());
        assertEquals(new Shape(3, 32, 24), ae.decode(q.mean()).getShape());
        assertEquals(new Shape(3, 32), ae.reconstruct(tokens).getShape());

        try (GradientCollector gc = Backend.engine().newGradientCollector()) {
            TrainingLoss loss = ae.trainingLoss(tokens, rng);
            assertTrue(Float.isFinite(loss.loss().getFloat()));
            // loss = K * ce + kl_weight * kl, term by term
            assertEquals(k * loss.metric("ce").getFloat() + 1e-3f * loss.metric("kl").getFloat(),
                    loss.loss().getFloat(), 1e-4f);
            // the clamp is a floor per dimension: the KL term is at least l * kl_clamp
            assertTrue(loss.metric("kl").getFloat() >= 6 * 0.5f - 1e-5f);
            gc.backward(loss.loss());
        }
        ae.namedParameters().forEach((name, p) -> {
            float norm = p.array().getGradient().abs().sum().getFloat();
            assertTrue(norm > 0, name + " received no gradient");
            Backend.zeroGrad(p.array());
        });
    }

    @Test
    void withoutDropoutTheTrainingKlIsTheCleanPosteriorsKl() {
        AutoencoderConfig noDropout = GOLDEN.toBuilder().aeDropout(0).build();
        Autoencoder ae = new Autoencoder(noDropout);
        ae.load(GoldenFiles.path("tiny_autoencoder.safetensors"), manager);
        TrainingLoss loss = ae.trainingLoss(io().get("input_ids"), new Rng(1));
        assertEquals(io().get("kl_clamp05").getFloat(), loss.metric("kl").getFloat(), 1e-4f);
    }

    /**
     * The regularisers of {@link Autoencoder#trainingLoss} (paper, section 2.2): tokens masked to id 0 at rate p
     * before the encoder, dropout at rate p on z with the 1/(1-p) rescaling, and the cross-entropy taken against
     * the unmasked tokens. The loss is recomputed from the same random stream, drawn in the same order (token mask,
     * posterior noise, latent mask), and each wrong variant, recomputed the same way, gives another number.
     */
    @Test
    void theTrainingLossMasksTokensDropsLatentsAndScoresTheCleanTokens() {
        double p = 0.5;
        AutoencoderConfig dropout = GOLDEN.toBuilder().aeDropout(p).build();
        Autoencoder ae = new Autoencoder(dropout);
        ae.load(GoldenFiles.path("tiny_autoencoder.safetensors"), manager);
        long[] ids = new Rng(4).javaRandom().longs(4 * 8, 1, 24).toArray(); // no id 0: a masked token shows
        NDArray tokens = manager.create(ids, new Shape(4, 8));
        float loss = ae.trainingLoss(tokens, new Rng(6)).loss().getFloat();

        Rng rng = new Rng(6);
        NDArray keep = rng.bernoulli(manager, tokens.getShape(), (float) (1 - p)); // [4, 8]
        NDArray masked = tokens.mul(keep.toType(DataType.INT64, false));
        Posterior q = ae.encode(masked);
        NDArray z = q.sample(rng); // [4, 2, 6]
        NDArray latentKeep = rng.bernoulli(manager, z.getShape(), (float) (1 - p));
        NDArray dropped = z.mul(latentKeep);
        NDArray kl = q.kl(dropout.klClamp());
        float expected = total(ae.decode(dropped.div(1 - p)), tokens, kl);
        assertEquals(expected, loss, 1e-5f * Math.abs(expected));

        assertTrue(keep.sum().getFloat() < 32 && keep.sum().getFloat() > 0, "some tokens masked, not all");
        assertTrue(latentKeep.sum().getFloat() < 48 && latentKeep.sum().getFloat() > 0, "some dimensions dropped");
        float[] wrong = {
            total(ae.decode(dropped.div(1 - p)), masked, kl), // cross-entropy against the masked tokens
            total(ae.decode(dropped), tokens, kl), // no 1/(1-p) rescaling
            total(ae.decode(z), tokens, kl), // no latent dropout
        };
        for (int i = 0; i < wrong.length; i++) {
            assertTrue(Math.abs(wrong[i] - loss) > 1e-3f * Math.abs(loss), "variant " + i + " must differ: " + wrong[i]);
        }
        float unmaskedKl = ae.encode(tokens).kl(dropout.klClamp()).getFloat();
        assertTrue(Math.abs(unmaskedKl - kl.getFloat()) > 1e-4f, "the encoder sees the masked tokens");
    }

    /** K * cross-entropy + kl_weight * KL, the reference's total. */
    private static float total(NDArray logits, NDArray targets, NDArray kl) {
        return (float) (4 * Losses.crossEntropy(logits, targets).getFloat() + 1e-3 * kl.getFloat());
    }

    @Test
    void theTokenMaskHasRateP() {
        // the mask is Rng.bernoulli(1 - p): over 64 x 64 tokens at p = 0.15 the kept share has standard error
        // sqrt(0.15 * 0.85 / 4096) = 0.0056; 4 of them
        NDArray keep = new Rng(8).bernoulli(manager, new Shape(64, 64), 0.85f);
        assertEquals(0.85, keep.mean().getFloat(), 4 * 0.0056);
    }

    @Test
    void posteriorSamplesHaveTheEncodersMeanAndStd() {
        NDArray mean = manager.create(new float[] {-1f, 0f, 2f}).reshape(1, 1, 3);
        NDArray logStd = manager.create(new float[] {0f, -1f, (float) Math.log(0.5)}).reshape(1, 1, 3);
        Posterior q = new Posterior(mean.repeat(1, 20_000), logStd.repeat(1, 20_000)); // [1, 20000, 3]
        NDArray z = q.sample(new Rng(3)).reshape(20_000, 3);
        float[] m = z.mean(new int[] {0}).toFloatArray();
        float[] s = z.sub(z.mean(new int[] {0})).square().mean(new int[] {0}).sqrt().toFloatArray();
        float[] wantStd = {1f, (float) Math.exp(-1), 0.5f};
        for (int i = 0; i < 3; i++) {
            // standard error of the mean is std / sqrt(20000) <= 0.0071: allow 5 of them
            assertEquals(mean.getFloat(0, 0, i), m[i], 0.036f, "mean " + i);
            assertEquals(wantStd[i], s[i], 0.02f * wantStd[i] + 0.005f, "std " + i);
        }
    }

    @Test
    void badShapesGetClearErrors() {
        Autoencoder ae = golden();
        NDArray ragged = manager.zeros(new Shape(2, 7), DataType.INT64);
        CalmException e = assertThrows(CalmException.class, () -> ae.encode(ragged));
        assertTrue(e.getMessage().contains("multiple of K = 4"), e.getMessage());
        assertThrows(CalmException.class, () -> ae.encode(manager.zeros(new Shape(2, 8))));
        CalmException z = assertThrows(CalmException.class, () -> ae.decode(manager.zeros(new Shape(2, 3, 5))));
        assertTrue(z.getMessage().contains("[batch, vectors, 6]"), z.getMessage());
    }
}
