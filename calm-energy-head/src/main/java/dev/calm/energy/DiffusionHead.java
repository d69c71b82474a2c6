/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.nn.TrainingLoss;
import java.util.Map;

/**
 * A diffusion head (DDPM with the cosine schedule), the paper's second alternative to the energy head and the
 * reference's {@code DiffLoss}. A network predicts the noise (or v) of a noised latent, conditioned on the hidden
 * state and the timestep:
 *
 * <pre>
 *   x_0 ~ q(z | next chunk),  t ~ U{0 .. T-1},  eps ~ N(0, I),  x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
 *   loss = mean || net(x_t, t | h) - eps ||^2 / l          (or against v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0)
 * </pre>
 *
 * and samples by ancestral sampling over the process respaced to {@code num_sampling_steps} timesteps (100 by
 * default, as the reference; one network evaluation each). The process is {@link GaussianDiffusion}; the network
 * is the energy head's ({@link TimeConditionedMlp}), conditioned on the original timestep. The reference also
 * learns the sampler's variance (a second output and a variational term); this head keeps it fixed, at beta_t
 * unless {@code sigma_small} (the reference's fixed choice).
 *
 * <p>Epsilon or v. The reference predicts epsilon. Its cosine schedule clips the last beta at 0.999, so that abar at
 * the last timestep is 2.4e-9: there the estimate x_0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar) multiplies the
 * network's error by 2e4, and the first sampling step passes it on times sqrt(abar) of the next kept timestep
 * (about 350 times the error in 100 steps). A network trained long enough predicts eps = x_t there almost exactly;
 * a small one does not, and its samples diverge (measured in {@code GenerativeHeadFitTest}: samples of mean 363 for
 * a target of mean 0.8). With v, x_0 = sqrt(abar) x_t - sqrt(1 - abar) v needs no division, and the same head fits;
 * the command line defaults to v for that reason.
 *
 * <p>Parameters ({@code generative_head.net.*}, the reference's names): {@code input_proj}, {@code cond_embed},
 * {@code norm_cond}, {@code time_embed.mlp.(0|2)}, {@code mlp_blocks.{i}.*}, {@code final_layer.*}.
 */
public class DiffusionHead extends TimeConditionedHead {

    private final DiffusionHeadConfig config;
    private final GaussianDiffusion training;
    private final GaussianDiffusion sampling;

    /**
     * @param config depth, draws of the loss, the process and the sampler's steps
     * @param hiddenSize the backbone's hidden size d
     * @param latentSize the autoencoder's latent size l
     */
    public DiffusionHead(DiffusionHeadConfig config, int hiddenSize, int latentSize) {
        super("diffusion", hiddenSize, latentSize, config.numMlpLayers());
        this.config = config;
        this.training = GaussianDiffusion.cosine(config);
        this.sampling = training.respaced(config.numSamplingSteps());
    }

    /** @return depth, draws of the loss, the process and the sampler's steps */
    public DiffusionHeadConfig config() {
        return config;
    }

    /** @return the training process, of {@code diffusion_steps} timesteps */
    public GaussianDiffusion process() {
        return training;
    }

    /** @return the sampler's process, respaced to {@code num_sampling_steps} */
    public GaussianDiffusion samplingProcess() {
        return sampling;
    }

    /** Ancestral sampling over the respaced process, the network conditioned on the original timesteps. */
    @Override
    NDArray integrate(NDArray noise, NDArray condition, Rng rng) {
        return sampling.sample(noise, (x, t) -> net().forward(x, time(x, t), condition), rng); // [n, P, l]
    }

    /**
     * The network's prediction at one timestep: the noise, or v.
     *
     * @param x noised latents x_t, [n, P, l]
     * @param timestep t, in [0, diffusion_steps)
     * @param hidden hidden states, [P, d]
     * @return the prediction, [n, P, l]
     */
    public NDArray predict(NDArray x, long timestep, NDArray hidden) {
        if (timestep < 0 || timestep >= config.diffusionSteps()) {
            throw new CalmException("the diffusion head's timestep t must be in [0, " + config.diffusionSteps()
                    + "), got " + timestep);
        }
        checkHidden(hidden);
        return net().forward(x, time(hidden, timestep), net().condition(hidden));
    }

    /**
     * The denoising loss: {@code num_samples} draws of the target posterior per position, each noised at its own
     * timestep, the network's prediction against the noise (or v). No metrics: the loss is the mean squared error per
     * dimension.
     */
    @Override
    public TrainingLoss loss(NDArray hidden, Posterior target, Rng rng) {
        NDArray x0 = targetDraws(hidden, target, config.numSamples(), rng); // [S, P, l]
        NDArray eps = rng.normal(hidden.getManager(), x0.getShape(), 0f, 1f); // [S, P, l]
        int steps = config.diffusionSteps();
        NDArray u = rng.uniform(hidden.getManager(), x0.getShape().slice(0, 2), 0f, steps); // [S, P]
        NDArray t = u.floor().minimum(Backend.scalar(u, steps - 1)); // [S, P], uniform on {0 .. T-1}
        NDArray ti = t.toType(DataType.INT64, false);
        NDArray out = net().forward(training.noised(x0, ti, eps), t, net().condition(hidden)); // [S, P, l]
        return new TrainingLoss(out.sub(training.target(x0, eps, ti)).square().mean(), Map.of());
    }
}
