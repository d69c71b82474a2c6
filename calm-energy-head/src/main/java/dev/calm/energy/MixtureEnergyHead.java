/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import static dev.calm.core.nn.SwiGLU.silu;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.nn.Init;
import dev.calm.core.nn.LayerNorm;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.TrainingLoss;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A generative head that is a mixture of C isotropic Gaussians per position, trained with the energy score (not
 * in the paper: a head of the small-scale study, docs/measured.md). From the hidden state h,
 *
 * <pre>
 *   u = silu(W_u LN(W_h h))                          the head's features, [P, d]
 *   pi = softmax(W_pi u),  m_c = (W_m u)_c,  s_c = initial_std * exp((W_s u)_c)
 *   z ~ sum_c pi_c N(m_c, s_c^2 I)                 one draw: c from pi (Gumbel-max), then m_c + s_c eps
 * </pre>
 *
 * Sampling stays one step and needs no likelihood, so BrierLM and temperature sampling use it as they use the
 * paper's head. Training uses {@link EnergyScore#mixture}: the weights pi enter the score in closed form, so every
 * component receives a gradient at every step, where the paper's head learns only through its N samples. That is
 * what lets it place its mass on the chunks a small model can tell apart (the mixture of chunk clusters the
 * autoencoder's latent space is made of), instead of spreading a continuous push-forward of its noise between
 * them.
 *
 * <p>Parameters ({@code mixture_head.*}): {@code hidden_embd} [d, d], {@code norm_hidden}, {@code features} [d, d],
 * {@code logits} [C, d], {@code means} [C*l, d], {@code log_scales} [C, d], each with a bias.
 */
public class MixtureEnergyHead extends GenerativeHead {

    private final MixtureHeadConfig config;
    private final int latentSize;
    private final Linear hiddenEmbd; // [d, d]
    private final LayerNorm normHidden; // [d]
    private final Linear features; // [d, d]
    private final Linear logits; // [C, d]
    private final Linear means; // [C*l, d]
    private final Linear logScales; // [C, d], starts at 0: every s_c starts at initial_std

    /**
     * @param config components, M, beta and the initial std
     * @param hiddenSize the backbone's hidden size d
     * @param latentSize the autoencoder's latent size l
     */
    public MixtureEnergyHead(MixtureHeadConfig config, int hiddenSize, int latentSize) {
        this.config = config;
        this.latentSize = latentSize;
        int c = config.components();
        this.hiddenEmbd = child("hidden_embd", new Linear(hiddenSize, hiddenSize, true));
        this.normHidden = child("norm_hidden", new LayerNorm(hiddenSize, EnergyHead.LAYER_NORM_EPS));
        this.features = child("features", new Linear(hiddenSize, hiddenSize, true));
        this.logits = child("logits", new Linear(hiddenSize, c, true));
        this.means = child("means", new Linear(hiddenSize, (long) c * latentSize, true));
        this.logScales = child("log_scales", new Linear(hiddenSize, c, true, Init.ZEROS));
    }

    /** @return components, M, beta and the initial std */
    public MixtureHeadConfig config() {
        return config;
    }

    @Override
    public String parameterPrefix() {
        return "mixture_head";
    }

    /**
     * Places the first A components on given latents, with a given standard deviation, independent of the context
     * at first (not in the paper: the small-scale study's anchored mixture, docs/measured.md). Component c &lt; A
     * gets {@code means.bias[c] = latents[c]}, zero rows of {@code means.weight}, and {@code log_scales.bias[c] =
     * log(std / initial_std)}; training moves them from there. Anchored on the posterior means of the training
     * split's most frequent chunks, its draws start out decoding to whole, real chunks, where free components start
     * between chunks (word salad, whose shared samples make Brier-K negative).
     *
     * @param latents the anchors, [A, l] with A &lt;= C
     * @param std the anchored components' standard deviation, &gt; 0
     * @throws CalmException if the shape or the std is wrong
     */
    public void anchor(NDArray latents, double std) {
        Shape s = latents.getShape();
        int c = config.components();
        if (s.dimension() != 2 || s.get(1) != latentSize || s.get(0) < 1 || s.get(0) > c) {
            throw new CalmException("anchors must be [A, " + latentSize + "] with 1 <= A <= " + c + ", got " + s);
        }
        if (!(std > 0 && Double.isFinite(std))) {
            throw new CalmException("the anchored components' std must be a finite number > 0, got " + std);
        }
        int a = Math.toIntExact(s.get(0));
        float[] anchors = latents.toType(DataType.FLOAT32, false).toFloatArray();
        float[] bias = means.bias().array().toFloatArray(); // [C*l]
        System.arraycopy(anchors, 0, bias, 0, a * latentSize);
        float[] weight = means.weight().array().toFloatArray(); // [C*l, d], rows c*l .. (c+1)*l - 1 are component c's
        Arrays.fill(weight, 0, a * latentSize * Math.toIntExact(means.weight().shape().get(1)), 0f);
        float[] scales = logScales.bias().array().toFloatArray(); // [C]
        Arrays.fill(scales, 0, a, (float) Math.log(std / config.initialStd()));
        means.bias().array().set(FloatBuffer.wrap(bias));
        means.weight().array().set(FloatBuffer.wrap(weight));
        logScales.bias().array().set(FloatBuffer.wrap(scales));
    }

    /** The mixture of every position: weights [P, C], means [P, C, l], standard deviations [P, C]. */
    private record Mixture(NDArray weights, NDArray means, NDArray stds) {}

    private Mixture mixture(NDArray hidden) {
        if (hidden.getShape().dimension() != 2) {
            throw new CalmException("the mixture head needs hidden states [positions, d], got " + hidden.getShape());
        }
        long p = hidden.getShape().get(0);
        int c = config.components();
        NDArray u = silu(features.forward(normHidden.forward(hiddenEmbd.forward(hidden)))); // [P, d]
        NDArray scales = logScales.forward(u).exp(); // [P, C]
        return new Mixture(logits.forward(u).softmax(-1), // [P, C]
                means.forward(u).reshape(p, c, latentSize), // [P, C, l]
                scales.mul(Backend.scalar(scales, config.initialStd()))); // [P, C], the operand in libtorch's memory
    }

    @Override
    public NDArray sample(NDArray hidden, int n, Rng rng) {
        if (n < 1) {
            throw new CalmException("sample needs n >= 1, got " + n);
        }
        Mixture q = mixture(hidden);
        long p = hidden.getShape().get(0);
        int c = config.components();
        NDArray u = rng.uniform(hidden.getManager(), new Shape(n, p, c), Float.MIN_NORMAL, 1f);
        NDArray gumbel = u.log().neg().log().neg(); // [n, P, C]
        NDArray chosen = gumbel.add(q.weights().log()).argMax(-1).oneHot(c).toType(DataType.FLOAT32, false); // [n, P, C]
        NDArray perPosition = chosen.transpose(1, 0, 2); // [P, n, C]
        NDArray mean = perPosition.matMul(q.means()).transpose(1, 0, 2); // [n, P, l] == means[c]
        NDArray std = perPosition.matMul(q.stds().expandDims(2)).transpose(1, 0, 2); // [n, P, 1] == stds[c]
        NDArray eps = rng.normal(hidden.getManager(), new Shape(n, p, latentSize), 0f, 1f); // [n, P, l]
        return mean.add(eps.mul(std));
    }

    /**
     * The energy loss of the mixture: -S of {@link EnergyScore#mixture}, from two draws of every component against M
     * samples of the target posterior. Metrics: {@code energy_diversity}, {@code energy_fidelity},
     * {@code mixture_entropy}, the mean entropy of pi in nats (log C when uniform), and {@code mixture_std}, the mean
     * standard deviation of the components.
     */
    @Override
    public TrainingLoss loss(NDArray hidden, Posterior target, Rng rng) {
        Shape t = target.mean().getShape();
        if (t.dimension() != 2 || t.get(1) != latentSize || t.get(0) != hidden.getShape().get(0)) {
            throw new CalmException("target posterior must be [" + hidden.getShape().get(0) + ", " + latentSize
                    + "] to match the hidden states " + hidden.getShape() + ", got " + t);
        }
        Mixture q = mixture(hidden);
        long p = t.get(0);
        int c = config.components();
        NDArray means = q.means().transpose(1, 0, 2); // [C, P, l]
        NDArray stds = q.stds().transpose().expandDims(2); // [C, P, 1]
        Shape draws = new Shape(c, p, latentSize);
        NDArray x1 = means.add(rng.normal(hidden.getManager(), draws, 0f, 1f).mul(stds)); // [C, P, l]
        NDArray x2 = means.add(rng.normal(hidden.getManager(), draws, 0f, 1f).mul(stds)); // [C, P, l]
        NDArray eps = rng.normal(hidden.getManager(), new Shape(config.numTargetSamples(), p, latentSize), 0f, 1f);
        NDArray y = eps.mul(target.std()).add(target.mean()); // [M, P, l]
        EnergyScore.Terms terms = EnergyScore.mixture(x1, x2, q.weights(), y, config.beta());
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("energy_diversity", terms.diversity().mean());
        metrics.put("energy_fidelity", terms.fidelity().mean());
        metrics.put("mixture_entropy", q.weights().mul(q.weights().add(1e-12f).log()).sum(new int[] {1}).neg().mean());
        metrics.put("mixture_std", q.stds().mean());
        return new TrainingLoss(terms.loss(), metrics);
    }
}
