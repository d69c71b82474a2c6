/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.io.DType;
import dev.calm.core.nn.Losses;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.TrainingLoss;
import dev.calm.core.pretrained.Layout;
import dev.calm.core.pretrained.SavesPretrained;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The K-token variational autoencoder of CALM (paper, section 2): every chunk of K tokens becomes one vector
 * z in R^l, and z decodes back to the K tokens. Parameter names are the reference implementation's
 * ({@code encoder.*}, {@code decoder.*}), so its checkpoints map name for name; the output matrix is tied to
 * {@code encoder.embed_tokens.weight}.
 *
 * <pre>{@code
 * Posterior q = ae.encode(tokens);          // tokens [B, T], T a multiple of K -> mean, logStd [B, T/K, l]
 * NDArray logits = ae.decode(q.mean());     // [B, T, V]
 * NDArray ids = ae.reconstruct(tokens);     // [B, T]
 * }</pre>
 */
public class Autoencoder extends Module implements SavesPretrained {

    private final AutoencoderConfig config;
    private final Encoder encoder;
    private final Decoder decoder;

    /** @param config the shape and training objective */
    public Autoencoder(AutoencoderConfig config) {
        this.config = config;
        this.encoder = child("encoder", new Encoder(config));
        this.decoder = child("decoder", new Decoder(config, encoder.embedTokens()));
    }

    /**
     * Loads a saved autoencoder: the reference implementation's directory (its {@code config.json} and
     * {@code pytorch_model.bin}, {@code model.safetensors} or shards, F32, F16 or BF16) or this library's.
     *
     * @param dir the model directory
     * @param manager the owner of the weights
     * @return the autoencoder
     * @throws dev.calm.core.CalmException if the directory is incomplete or its files disagree, naming each
     *     disagreeing tensor
     */
    public static Autoencoder fromPretrained(Path dir, NDManager manager) {
        return PretrainedAutoencoder.load(dir, manager);
    }

    /**
     * Saves this autoencoder as a model directory; in the reference's layout, a directory its Python code loads
     * with {@code Autoencoder.from_pretrained}.
     *
     * @param dir the directory; created if missing
     * @param layout the reference's or this library's
     * @param floatFormat how the weights are stored: F32, BF16 or F16
     */
    @Override
    public void savePretrained(Path dir, Layout layout, DType floatFormat) {
        PretrainedAutoencoder.save(this, dir, layout, floatFormat);
    }

    /** @return the shape and training objective */
    public AutoencoderConfig config() {
        return config;
    }

    /**
     * q(z | x) for every chunk of K tokens; with a fixed {@code posterior_std} its log std is that constant.
     *
     * @param tokens integer ids, [B, T] with T a multiple of K
     * @return mean and log standard deviation, each [B, T/K, l]
     */
    public Posterior encode(NDArray tokens) {
        Shape s = chunked(tokens);
        long b = s.get(0);
        long n = s.get(1) / config.patchSize();
        NDArray latent = encoder.forward(tokens.reshape(b * n, config.patchSize())) // [B*N, 2l]
                .reshape(new Shape(b, n, 2L * config.latentSize())); // [B, N, 2l]
        NDList halves = latent.split(2, 2); // 2 x [B, N, l]
        if (config.posteriorStd() > 0) { // a fixed std: the log-std half is not used
            NDArray mean = halves.get(0);
            return new Posterior(mean, mean.zerosLike().add((float) Math.log(config.posteriorStd())));
        }
        return new Posterior(halves.get(0), halves.get(1));
    }

    /**
     * @param z latent vectors, [B, N, l]
     * @return logits of the K tokens of every vector, [B, N*K, V]
     */
    public NDArray decode(NDArray z) {
        return decoder.forward(latent(z));
    }

    /**
     * The most likely tokens of latent vectors, argmax of {@link #decode} (in fewer engine calls when gradients
     * are off, see {@link Decoder#tokens}).
     *
     * @param z latent vectors, [B, N, l]
     * @return token ids, INT64 [B, N*K]
     */
    public NDArray decodeTokens(NDArray z) {
        return decoder.tokens(latent(z));
    }

    /** Checks that {@code z} holds latent vectors [B, N, l]. */
    private NDArray latent(NDArray z) {
        Shape s = z.getShape();
        if (s.dimension() != 3 || s.get(2) != config.latentSize()) {
            throw new CalmException("latent vectors must have shape [batch, vectors, " + config.latentSize()
                    + "], got " + s);
        }
        return z;
    }

    /**
     * The most likely tokens decoded from each chunk's posterior mean.
     *
     * @param tokens integer ids, [B, T]
     * @return the reconstruction, INT64 [B, T]
     */
    public NDArray reconstruct(NDArray tokens) {
        return decode(encode(tokens).mean()).argMax(-1);
    }

    /**
     * The training objective with the robustness regularisers of the paper: input tokens are replaced by id 0
     * with probability ae_dropout, z is sampled from q and dropped out at rate ae_dropout, and the loss is
     * K * cross-entropy + kl_weight * clamped KL.
     *
     * @param tokens integer ids, [B, T]
     * @param rng the source of every random draw
     * @return the loss, K * ce + kl_weight * kl, with its two terms as the metrics {@code ce} (the mean
     *     cross-entropy per token of the K tokens) and {@code kl} (the clamped KL, summed over latent dimensions and
     *     averaged over vectors), in this order
     */
    public TrainingLoss trainingLoss(NDArray tokens, Rng rng) {
        float p = (float) config.aeDropout();
        NDArray keep = rng.bernoulli(tokens.getManager(), tokens.getShape(), 1 - p); // [B, T]
        Posterior q = encode(tokens.mul(keep.toType(tokens.getDataType(), false)));
        NDArray z = q.sample(rng); // [B, N, l]
        if (p > 0) {
            z = z.mul(rng.bernoulli(z.getManager(), z.getShape(), 1 - p)); // inverted dropout
            z = z.div(Backend.scalar(z, 1 - p));
        }
        NDArray ce = Losses.crossEntropy(decode(z), tokens); // [B, T, V] vs [B, T]
        NDArray kl = q.kl(config.klClamp());
        NDArray loss = ce.mul(Backend.scalar(ce, config.patchSize())).add(kl.mul(Backend.scalar(kl, config.klWeight())));
        Map<String, NDArray> terms = new LinkedHashMap<>(); // in this order in metrics.jsonl, in every process
        terms.put("ce", ce);
        terms.put("kl", kl);
        return new TrainingLoss(loss, terms);
    }

    private Shape chunked(NDArray tokens) {
        Shape s = tokens.getShape();
        if (s.dimension() != 2 || s.get(1) % config.patchSize() != 0 || tokens.getDataType() == DataType.FLOAT32) {
            throw new CalmException("tokens must be integer ids of shape [batch, T] with T a multiple of K = "
                    + config.patchSize() + ", got " + tokens.getDataType() + " " + s);
        }
        return s;
    }
}
