/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.energy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;

/**
 * The energy score (paper, section 3.2), a strictly proper scoring rule for beta in (0, 2) that needs only
 * samples from the model. Its unbiased estimator from N model samples x_i and M target samples y_m is
 *
 * <pre>  S = 1/(N(N-1)) sum_{i != j} ||x_i - x_j||^beta  -  2/(NM) sum_{i, m} ||x_i - y_m||^beta</pre>
 *
 * and the training loss is -S (lower is better). Distances come from one batched Gram product per position, of
 * the model samples against model and target samples together, ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b, so
 * memory grows with N(N+M), not N*M*l, and one product with fixed weights takes both means; ||.||^beta is computed as
 * (||.||^2)^(beta/2) with the squared distance clamped at {@link #MIN_SQUARED_DISTANCE}, whose gradient is
 * zero where it clamps (two identical samples give no gradient, as the subgradient 0 of the norm at 0).
 */
public final class EnergyScore {

    /** Lower clamp of squared distances, far below any distance between distinct latent samples. */
    public static final float MIN_SQUARED_DISTANCE = 1e-10f;

    private EnergyScore() {}

    /**
     * The two mean distances of the estimator, each per position.
     *
     * @param diversity 1/(N(N-1)) sum_{i != j} ||x_i - x_j||^beta, [P]
     * @param fidelity 1/(NM) sum_{i, m} ||x_i - y_m||^beta, [P]
     */
    public record Terms(NDArray diversity, NDArray fidelity) {

        /** @return the energy score S = diversity - 2 fidelity, [P] (higher is better) */
        public NDArray score() {
            return diversity.sub(fidelity.mul(Backend.scalar(fidelity, 2)));
        }

        /** @return the loss -S averaged over positions, a scalar */
        public NDArray loss() {
            return fidelity.mul(Backend.scalar(fidelity, 2)).sub(diversity).mean();
        }
    }

    /**
     * Estimates the energy score of the model samples {@code x} against the target samples {@code y}.
     *
     * @param x model samples, [N, P, l] with N >= 2
     * @param y target samples, [M, P, l]
     * @param beta the distance exponent, in (0, 2)
     * @return the per-position terms
     */
    public static Terms estimate(NDArray x, NDArray y, double beta) {
        var xs = x.getShape();
        var ys = y.getShape();
        if (xs.dimension() != 3 || ys.dimension() != 3 || xs.get(1) != ys.get(1) || xs.get(2) != ys.get(2)) {
            throw new CalmException("energy score needs model samples [N, P, l] and target samples [M, P, l], got "
                    + xs + " and " + ys);
        }
        long n = xs.get(0);
        if (n < 2) {
            throw new CalmException("energy score needs at least 2 model samples per position, got " + n);
        }
        if (!(beta > 0 && beta < 2)) {
            throw new CalmException("beta must be in (0, 2), got " + beta);
        }
        long m = ys.get(0);
        // One Gram product serves both terms: x against [x; y], so ||x_i - z_j||^2 = ||x_i||^2 + ||z_j||^2 - 2 x_i.z_j
        NDArray zp = NDArrays.concat(new NDList(x, y), 0).transpose(1, 0, 2); // [P, N+M, l]
        NDArray xp = x.transpose(1, 0, 2); // [P, N, l]
        NDArray zz = zp.square().sum(new int[] {2}, true); // [P, N+M, 1]
        NDArray xx = Backend.narrow(zz, 1, 0, n, zz.getManager()); // [P, N, 1]
        NDArray cross = xp.matMul(zp.transpose(0, 2, 1)); // [P, N, N+M]
        NDArray squared = xx.add(zz.transpose(0, 2, 1)).sub(cross.add(cross)) // 2 a.b as a sum: exact, no scalar
                .maximum(Backend.scalar(cross, MIN_SQUARED_DISTANCE)); // [P, N, N+M]
        NDArray distances = beta == 1 ? squared.sqrt() : squared.pow(Backend.scalar(squared, beta / 2)); // [P, N, N+M]
        // Both means in one product: weights 1/(N(N-1)) off the diagonal of the x-x block, 1/(NM) on the x-y block
        long p = xs.get(1);
        NDArray terms = distances.reshape(p, n * (n + m)).matMul(termWeights(x.getManager(), n, m)); // [P, 2]
        NDList split = terms.split(2, 1); // 2 x [P, 1]
        return new Terms(split.get(0).reshape(p), split.get(1).reshape(p));
    }

    /**
     * The weights that turn the [N, N+M] distances of a position into its two terms: column 0 averages the x-x
     * distances off the diagonal (1/(N(N-1))), column 1 the x-y distances (1/(NM)).
     *
     * @return [N (N+M), 2]
     */
    private static NDArray termWeights(NDManager manager, long n, long m) {
        int cols = (int) (n + m);
        float[] w = new float[(int) (n * cols * 2)];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < cols; j++) {
                int row = i * cols + j;
                if (j < n) {
                    w[2 * row] = i == j ? 0f : (float) (1.0 / (n * (n - 1)));
                } else {
                    w[2 * row + 1] = (float) (1.0 / (n * m));
                }
            }
        }
        return Backend.owned(manager.create(w, new Shape(n * cols, 2))); // the backward reads it
    }

    /**
     * Estimates the energy score of a mixture Q = sum_c pi_c Q_c whose weights are known, from two independent
     * samples of every component: the weights enter in closed form,
     *
     * <pre>  E||X - X'||^beta = sum_{c, c'} pi_c pi_c' E||X_c - X'_c'||^beta,   E||X - Y||^beta = sum_c pi_c E||X_c - Y||^beta,</pre>
     *
     * so the estimate is unbiased and differentiable in pi (every component gets a gradient, drawn or not). The
     * first sample of c against the second of c' estimates E||X_c - X'_c'|| for every pair, c = c' included.
     *
     * @param x1 one sample of every component, [C, P, l]
     * @param x2 an independent second sample of every component, [C, P, l]
     * @param weights the mixture weights pi, [P, C], rows summing to 1
     * @param y target samples, [M, P, l]
     * @param beta the distance exponent, in (0, 2)
     * @return the per-position terms: diversity = E||X - X'||^beta and fidelity = E||X - Y||^beta
     */
    public static Terms mixture(NDArray x1, NDArray x2, NDArray weights, NDArray y, double beta) {
        var xs = x1.getShape();
        if (xs.dimension() != 3 || !xs.equals(x2.getShape()) || y.getShape().dimension() != 3
                || y.getShape().get(1) != xs.get(1) || y.getShape().get(2) != xs.get(2)
                || !weights.getShape().equals(new Shape(xs.get(1), xs.get(0)))) {
            throw new CalmException("a mixture's energy score needs two samples [C, P, l] of every component, weights "
                    + "[P, C] and targets [M, P, l], got " + xs + ", " + x2.getShape() + ", " + weights.getShape()
                    + " and " + y.getShape());
        }
        if (!(beta > 0 && beta < 2)) {
            throw new CalmException("beta must be in (0, 2), got " + beta);
        }
        NDArray a = x1.transpose(1, 0, 2); // [P, C, l]
        NDArray b = x2.transpose(1, 0, 2); // [P, C, l]
        NDArray yp = y.transpose(1, 0, 2); // [P, M, l]
        NDArray pi = weights.expandDims(2); // [P, C, 1]
        NDArray pairs = powerDistances(a, b, beta); // [P, C, C]
        NDArray diversity = pi.transpose(0, 2, 1).matMul(pairs).matMul(pi).reshape(-1); // pi^T D pi, [P]
        NDArray toTargets = powerDistances(a, yp, beta).mean(new int[] {2})
                .add(powerDistances(b, yp, beta).mean(new int[] {2})); // [P, C], twice the mean of the two draws
        toTargets = toTargets.mul(Backend.scalar(toTargets, 0.5)); // libtorch's memory: the backward reads it
        NDArray fidelity = toTargets.mul(weights).sum(new int[] {1}); // [P]
        return new Terms(diversity, fidelity);
    }

    /**
     * ||a_i - b_j||^beta for every pair.
     *
     * @param a [P, I, l]
     * @param b [P, J, l]
     * @param beta the exponent
     * @return [P, I, J]
     */
    static NDArray powerDistances(NDArray a, NDArray b, double beta) {
        NDArray aa = a.square().sum(new int[] {2}, true); // [P, I, 1]
        NDArray bb = b.square().sum(new int[] {2}, true).transpose(0, 2, 1); // [P, 1, J]
        NDArray ab = a.matMul(b.transpose(0, 2, 1)); // [P, I, J]
        NDArray squared = aa.add(bb).sub(ab.mul(Backend.scalar(ab, 2))); // [P, I, J]
        squared = squared.maximum(Backend.scalar(squared, MIN_SQUARED_DISTANCE));
        return beta == 1 ? squared.sqrt() : squared.pow(Backend.scalar(squared, beta / 2));
    }
}
