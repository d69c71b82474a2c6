/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nd4j;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * libtorch (through DJL) and ND4J in one JVM, each with its own OpenMP runtime and BLAS: the same matrix product
 * in both, checked against a plain Java product, first one engine then the other, then both at once on two
 * threads. Run in a child JVM by {@link Nd4jWithLibtorchTest} (so that the load order is the one asked for), and
 * by hand for the timing: {@code BothEngines torch-first|nd4j-first [products [n]]}.
 *
 * <p>Prints one line: {@code ok order=... torch_threads_before=... torch_threads_after=... torch_err=...
 * nd4j_err=... n=... torch_ms_before_nd4j=... torch_ms=... torch_ms_beside_nd4j=...}: the largest error of each
 * engine over every product, and the median time of one libtorch n x n product before ND4J is loaded ({@code na}
 * when ND4J loads first), with ND4J loaded and idle, and while ND4J multiplies on another thread.
 */
public final class BothEngines {

    private static int n = 128;

    private BothEngines() {}

    /**
     * @param args {@code torch-first} or {@code nd4j-first}, then optionally the number of products per phase
     * @throws Exception if a thread fails
     */
    public static void main(String[] args) throws Exception {
        boolean nd4jFirst = args[0].equals("nd4j-first");
        int products = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        n = args.length > 2 ? Integer.parseInt(args[2]) : n;
        float[] a = random(1);
        float[] b = random(2);
        double[] expected = product(a, b);
        double nd4jErr = 0;
        double torchErr = 0;
        if (nd4jFirst) {
            nd4jErr = error(nd4j(a, b), expected);
        }
        int threadsBefore = Backend.threads();
        try (NDManager manager = Backend.newManager(Device.cpu())) {
            NDArray x = manager.create(a, new Shape(n, n));
            NDArray y = manager.create(b, new Shape(n, n));
            torchErr = error(x.matMul(y).toFloatArray(), expected);
            String before = nd4jFirst ? "na" : String.format(Locale.ROOT, "%.4f", medianMillis(x, y, products));
            nd4jErr = Math.max(nd4jErr, error(nd4j(a, b), expected)); // ND4J loads here when torch came first
            int threadsAfter = Backend.threads();
            double alone = medianMillis(x, y, products);
            double beside;
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Double> other = pool.submit(() -> {
                    double worst = 0;
                    for (int i = 0; i < products * 4; i++) {
                        worst = Math.max(worst, error(nd4j(a, b), expected));
                    }
                    return worst;
                });
                beside = medianMillis(x, y, products);
                torchErr = Math.max(torchErr, error(x.matMul(y).toFloatArray(), expected));
                nd4jErr = Math.max(nd4jErr, other.get());
            } finally {
                pool.shutdown();
            }
            System.out.printf(Locale.ROOT, "ok order=%s torch_threads_before=%d torch_threads_after=%d torch_err=%.3g "
                    + "nd4j_err=%.3g n=%d torch_ms_before_nd4j=%s torch_ms=%.4f torch_ms_beside_nd4j=%.4f%n", args[0],
                    threadsBefore, threadsAfter, torchErr, nd4jErr, n, before, alone, beside);
        }
    }

    private static double medianMillis(NDArray x, NDArray y, int products) {
        double[] ms = new double[products];
        for (int i = 0; i < products; i++) {
            long start = System.nanoTime();
            try (NDArray z = x.matMul(y)) {
                z.toFloatArray();
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[products / 2];
    }

    private static float[] nd4j(float[] a, float[] b) {
        INDArray x = Nd4j.create(a, new long[] {n, n}, 'c');
        INDArray y = Nd4j.create(b, new long[] {n, n}, 'c');
        return x.mmul(y).dup('c').data().asFloat();
    }

    private static float[] random(long seed) {
        Random random = new Random(seed);
        float[] values = new float[n * n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static double[] product(float[] a, float[] b) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i * n + k];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aik * b[k * n + j];
                }
            }
        }
        return c;
    }

    /** @return the largest absolute difference */
    private static double error(float[] actual, double[] expected) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        return worst;
    }
}
