/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import dev.calm.autoencoder.Posterior;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Rng;
import dev.calm.core.nn.TrainingLoss;
import java.util.Map;

/**
 * A flow-matching head (rectified flow; Lipman et al. 2023, Liu et al. 2023), the paper's first alternative to the
 * energy head and the reference's {@code FlowLoss}. A velocity network v(x, t | h) is trained so that the ODE
 * dx/dt = v carries standard normal noise at t = 0 to the next latent at t = 1:
 *
 * <pre>
 *   x_0 ~ N(0, I),  x_1 ~ q(z | next chunk),  t ~ U[0, 1)
 *   x_t = (1 - t) x_0 + t x_1,   loss = mean || v(x_t, t | h) - (x_1 - x_0) ||^2 / l
 * </pre>
 *
 * and samples by integrating the ODE from noise with the midpoint method, {@code num_steps} steps (10, two network
 * evaluations each, as the reference). The network is the energy head's ({@link TimeConditionedMlp}); it sees
 * 1000 t, the reference's time scale. Sampling takes 2 {@code num_steps} network evaluations where the energy head
 * takes one: that is the cost the paper's comparison weighs.
 *
 * <p>Parameters ({@code generative_head.net.*}, the reference's names): {@code input_proj}, {@code cond_embed},
 * {@code norm_cond}, {@code time_embed.mlp.(0|2)}, {@code mlp_blocks.{i}.*}, {@code final_layer.*}.
 */
public class FlowMatchingHead extends TimeConditionedHead {

    /** The network's time is 1000 t, as the reference scales it. */
    static final float TIME_SCALE = 1000f;

    private final FlowHeadConfig config;

    /**
     * @param config depth, draws of the loss, steps of the sampler
     * @param hiddenSize the backbone's hidden size d
     * @param latentSize the autoencoder's latent size l
     */
    public FlowMatchingHead(FlowHeadConfig config, int hiddenSize, int latentSize) {
        super("flow", hiddenSize, latentSize, config.numMlpLayers());
        this.config = config;
    }

    /** @return depth, draws of the loss and steps of the sampler */
    public FlowHeadConfig config() {
        return config;
    }

    /** A velocity field v(x, t), what the solver integrates. */
    @FunctionalInterface
    interface Velocity {

        /**
         * @param x states, [n, P, l]
         * @param t the time, in [0, 1]
         * @return velocities, [n, P, l]
         */
        NDArray at(NDArray x, double t);
    }

    /**
     * Integrates dx/dt = v(x, t) from t = 0 to 1 with the explicit midpoint method: x += dt v(x + dt/2 v(x, t),
     * t + dt/2), second-order accurate.
     *
     * @param x the state at t = 0, [n, P, l]
     * @param steps steps of size 1 / steps
     * @param v the field
     * @return the state at t = 1, [n, P, l]
     */
    static NDArray midpoint(NDArray x, int steps, Velocity v) {
        double dt = 1.0 / steps;
        for (int k = 0; k < steps; k++) {
            double t = k * dt;
            NDArray half = x.add(v.at(x, t).mul(Backend.scalar(x, dt / 2)));
            x = x.add(v.at(half, t + dt / 2).mul(Backend.scalar(x, dt)));
        }
        return x;
    }

    /** The ODE from the noise at t = 0 to t = 1, {@code num_steps} midpoint steps. */
    @Override
    NDArray integrate(NDArray noise, NDArray condition, Rng rng) {
        return midpoint(noise, config.numSteps(),
                (x, t) -> net().forward(x, time(x, t * TIME_SCALE), condition)); // [n, P, l]
    }

    /**
     * The network's velocity at one time.
     *
     * @param x states x_t, [n, P, l]
     * @param t the time, in [0, 1]
     * @param hidden hidden states, [P, d]
     * @return v(x_t, t | h), [n, P, l]
     */
    public NDArray velocity(NDArray x, double t, NDArray hidden) {
        if (!(t >= 0 && t <= 1)) {
            throw new CalmException("the flow head's time t must be in [0, 1], got " + t);
        }
        checkHidden(hidden);
        return net().forward(x, time(hidden, t * TIME_SCALE), net().condition(hidden));
    }

    /**
     * The flow-matching loss: {@code num_samples} draws of the target posterior per position, each with its own noise
     * x_0 and time t. No metrics: the loss itself is the velocity's mean squared error per dimension.
     */
    @Override
    public TrainingLoss loss(NDArray hidden, Posterior target, Rng rng) {
        NDArray x1 = targetDraws(hidden, target, config.numSamples(), rng); // [S, P, l]
        NDArray x0 = rng.normal(hidden.getManager(), x1.getShape(), 0f, 1f); // [S, P, l]
        NDArray t = rng.uniform(hidden.getManager(), x1.getShape().slice(0, 2), 0f, 1f); // [S, P]
        NDArray xt = x0.add(x1.sub(x0).mul(t.expandDims(-1))); // (1 - t) x0 + t x1
        NDArray v = net().forward(xt, t.mul(Backend.scalar(t, TIME_SCALE)), net().condition(hidden)); // [S, P, l]
        return new TrainingLoss(v.sub(x1.sub(x0)).square().mean(), Map.of());
    }
}
