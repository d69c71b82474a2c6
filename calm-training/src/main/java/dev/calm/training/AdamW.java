/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.io.SafeTensorsWriter;
import dev.calm.core.io.StrictLoad;
import dev.calm.core.nn.Module;
import dev.calm.core.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW as PyTorch's {@code torch.optim.AdamW} computes it, in FP32 and in place:
 *
 * <pre>
 * p   *= 1 - lr * weight_decay                 (only parameters marked for decay)
 * m    = beta1 * m + (1 - beta1) * g
 * v    = beta2 * v + (1 - beta2) * g^2
 * p   -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>Parameter groups: a parameter's rate is {@code lr} times its {@link #lrScale} (PyTorch's per-group
 * {@code lr}), from the config's {@code lr_scales}.
 *
 * <p>Its state, the step count t and the moments {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} of every
 * trainable parameter, lives in its own manager and is saved to and loaded from safetensors, so a resumed run
 * continues exactly. Parameters that are not trainable (frozen with {@link Module#setTrainable}) are skipped.
 */
public final class AdamW implements AutoCloseable {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, Double> lrScales = new LinkedHashMap<>();
    private long step;

    /**
     * @param model the module whose trainable parameters are optimised (they must be initialised)
     * @param parent the manager under which the optimizer's state is allocated (a sub-manager, closed by
     *     {@link #close()})
     * @param beta1 first-moment decay, e.g. 0.9
     * @param beta2 second-moment decay, e.g. 0.95
     * @param eps added to the bias-corrected sqrt(v), e.g. 1e-8
     * @param weightDecay decoupled weight decay for parameters marked for decay, e.g. 0.1
     */
    public AdamW(Module model, NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        model.namedParameters().forEach((name, p) -> {
            if (p.array().hasGradient()) {
                parameters.put(name, p);
                expAvg.put(name, manager.zeros(p.shape())); // same shape as the parameter, FP32
                expAvgSq.put(name, manager.zeros(p.shape()));
            }
        });
    }

    /**
     * @param model the module to optimise
     * @param parent the manager under which the state is allocated
     * @param config betas, eps and weight decay
     * @return the optimizer
     */
    public static AdamW of(Module model, NDManager parent, TrainConfig config) {
        AdamW adamW = new AdamW(model, parent, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        adamW.parameters.keySet().forEach(name -> adamW.lrScales.put(name, config.lrScale(name)));
        return adamW;
    }

    /**
     * @param name a trainable parameter's name
     * @return the factor its learning rate (and so its decay) is multiplied by: 1 unless the config's
     *     {@code lr_scales} gives one
     */
    public double lrScale(String name) {
        return lrScales.getOrDefault(name, 1.0);
    }

    /** @return the trainable parameters this optimizer updates, by name */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** @return the current gradients of the trainable parameters (views that alias the real gradients) */
    public List<NDArray> gradients() {
        List<NDArray> out = new ArrayList<>(parameters.size());
        for (Parameter p : parameters.values()) {
            out.add(p.array().getGradient());
        }
        return out;
    }

    /** @return how many updates have been applied */
    public long stepCount() {
        return step;
    }

    /**
     * Applies one update from the parameters' current gradients. Run it inside the step's scope: the moments
     * are attached to {@code stepManager} for the update, so every temporary is freed when the step closes. The
     * update runs without autograd recording, whatever the caller's grad mode (restored afterwards).
     *
     * @param stepManager the step's manager
     * @param lr the learning rate of this step
     */
    public void step(NDManager stepManager, double lr) {
        stepManager.tempAttachAll(expAvg.values().toArray(new NDArray[0]));
        stepManager.tempAttachAll(expAvgSq.values().toArray(new NDArray[0]));
        step++;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        try (Backend.GradScope grad = Backend.noGrad()) { // == torch.optim's @torch.no_grad() step
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                Parameter p = e.getValue();
                double rate = lr * lrScale(e.getKey()); // this parameter's group rate
                float stepSize = (float) (rate / biasCorrection1);
                NDArray w = p.array();
                NDArray g = w.getGradient();
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                if (p.decay() && weightDecay != 0) {
                    w.muli((float) (1 - rate * weightDecay));
                }
                m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                NDArray denom = v.sqrt().divi((float) biasCorrection2Sqrt).addi((float) eps);
                w.subi(m.div(denom).muli(stepSize));
            }
        }
    }

    /**
     * Saves the moments as {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} (F32, atomically); the step
     * count is stored by the caller (in the trainer's state) and in the file's metadata.
     *
     * @param file the target safetensors file
     */
    public void save(Path file) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        expAvg.forEach((name, a) -> tensors.put("exp_avg." + name, a));
        expAvgSq.forEach((name, a) -> tensors.put("exp_avg_sq." + name, a));
        SafeTensorsWriter.write(file, tensors, Map.of("step", Long.toString(step)), DType.F32);
    }

    /**
     * Loads moments saved by {@link #save} and sets the step count. Names and shapes are checked against this
     * optimizer's parameters before anything changes.
     *
     * @param file a safetensors file written by {@link #save}
     * @param stepCount the number of updates the saved state has seen
     */
    public void load(Path file, long stepCount) {
        if (stepCount < 0) {
            throw new CalmException("invalid optimizer step in " + file + ": " + stepCount);
        }
        Map<String, Shape> expected = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            expected.put("exp_avg." + name, p.shape()); // same shapes as the parameters
            expected.put("exp_avg_sq." + name, p.shape());
        });
        try (SafeTensorsReader reader = SafeTensorsReader.open(file);
                NDManager staging = manager.newSubManager()) {
            // All or nothing: check and read every tensor, then swap them in.
            Map<String, NDArray> staged = StrictLoad.readAll(reader, expected, "optimizer state " + file, "the model",
                    staging);
            for (String name : parameters.keySet()) {
                replace(expAvg, name, staged.get("exp_avg." + name));
                replace(expAvgSq, name, staged.get("exp_avg_sq." + name));
            }
        }
        step = stepCount;
    }

    private void replace(Map<String, NDArray> state, String name, NDArray value) {
        value.attach(manager);
        state.put(name, value).close();
    }

    /** Frees the moments. */
    @Override
    public void close() {
        manager.close();
    }
}
