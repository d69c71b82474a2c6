/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.nn.LayerNorm;
import dev.calm.core.nn.Linear;
import dev.calm.core.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * The network of the {@link FlowMatchingHead} and the {@link DiffusionHead} (the {@code net} of the reference's
 * {@code FlowLoss} and {@code DiffLoss}): the energy head's network with the noisy latent x_t and its time t in
 * place of the energy head's noise, so that the three heads differ by their objective, not their network:
 *
 * <pre>
 *   x = input_proj(x_t)                       [S, P, d]   (not normalised: the scale of x_t carries t)
 *   c = norm_cond(cond_embed(h))              [P, d]      once per position, as the energy head's hidden_embd, norm_hidden
 *   y = c + time_embed(t)                     [S, P, d]   ([P, d] when the S samples share one t, as in sampling)
 *   x = x + MlpBlock(x, y), num_mlp_layers times          the energy head's blocks: y joins LN(x) by concatenation
 *   out = final_layer(x)                      [S, P, l]   its last linear starts at zero: out = 0 untrained
 * </pre>
 *
 * Parameters: {@code input_proj}, {@code cond_embed} and {@code time_embed.mlp.(0|2)} (the reference's names),
 * {@code norm_cond}, and the energy head's {@code mlp_blocks.{i}.*} and {@code final_layer.*}.
 */
final class TimeConditionedMlp extends Module {

    private final Linear inputProj; // [d, l]
    private final Linear condEmbed; // [d, d]
    private final LayerNorm normCond;
    private final TimestepEmbedder timeEmbed;
    private final List<MlpBlock> mlpBlocks = new ArrayList<>();
    private final FinalLayer finalLayer;

    /**
     * @param hiddenSize d, the backbone's hidden size and the network's width
     * @param latentSize l, the size of x_t and of the output
     * @param blocks residual blocks, at least 1
     */
    TimeConditionedMlp(int hiddenSize, int latentSize, int blocks) {
        this.inputProj = child("input_proj", new Linear(latentSize, hiddenSize, true));
        this.condEmbed = child("cond_embed", new Linear(hiddenSize, hiddenSize, true));
        this.normCond = child("norm_cond", new LayerNorm(hiddenSize, EnergyHead.LAYER_NORM_EPS));
        this.timeEmbed = child("time_embed", new TimestepEmbedder(hiddenSize));
        for (int i = 0; i < blocks; i++) {
            mlpBlocks.add(child("mlp_blocks." + i, new MlpBlock(hiddenSize)));
        }
        this.finalLayer = child("final_layer", new FinalLayer(hiddenSize, latentSize));
    }

    /**
     * The part of the conditioning that depends on the hidden state only, computed once per position.
     *
     * @param hidden hidden states, [P, d]
     * @return c = norm_cond(cond_embed(h)), [P, d]
     */
    NDArray condition(NDArray hidden) {
        return normCond.forward(condEmbed.forward(hidden));
    }

    /**
     * @param x noisy latents x_t, [S, P, l]
     * @param time t in the network's units (a diffusion timestep, or 1000 times a flow time), [S, P], or [1] for
     *     one t shared by every sample
     * @param condition {@link #condition} of the hidden states, [P, d]
     * @return the network's prediction (a velocity, a noise or v), [S, P, l]
     */
    NDArray forward(NDArray x, NDArray time, NDArray condition) {
        NDArray h = inputProj.forward(x); // [S, P, d]
        Shape shape = h.getShape();
        h = h.reshape(-1, shape.get(2)); // [S*P, d], sample-major as MlpBlock takes it
        NDArray y = condition.add(timeEmbed.forward(time)); // [S, P, d], or [P, d] + [1, d] -> [P, d]
        for (MlpBlock block : mlpBlocks) {
            h = block.forward(h, block.condition(y), shape.get(0)); // [S*P, d]
        }
        return finalLayer.forward(h.reshape(shape)); // [S, P, l]
    }
}
