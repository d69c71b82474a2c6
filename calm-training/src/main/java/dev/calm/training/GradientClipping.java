/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * Clipping by global norm, as {@code torch.nn.utils.clip_grad_norm_}: the norm of all gradients together,
 * sqrt(sum of ||g||^2); when it exceeds the maximum, every gradient is scaled in place by
 * max / (norm + 1e-6).
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * @param gradients the gradients (views aliasing the real ones, so scaling them in place clips)
     * @param maxNorm the largest allowed global norm; 0 or less only measures
     * @return the global norm before clipping (NaN or infinite if a gradient is)
     */
    public static double clipGlobalNorm(List<NDArray> gradients, double maxNorm) {
        if (gradients.isEmpty()) {
            return 0;
        }
        NDArray[] norms = new NDArray[gradients.size()];
        for (int i = 0; i < norms.length; i++) {
            norms[i] = gradients.get(i).norm(); // scalar ||g||
        }
        double total = NDArrays.stack(new NDList(norms)).norm().getFloat(); // sqrt(sum ||g||^2)
        if (maxNorm > 0 && Double.isFinite(total) && total > maxNorm) {
            float scale = (float) (maxNorm / (total + 1e-6));
            for (NDArray g : gradients) {
                g.muli(scale);
            }
        }
        return total;
    }
}
