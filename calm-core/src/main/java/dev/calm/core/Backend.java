/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that talks to DJL's engine: it selects PyTorch explicitly, sets thread counts, opens root
 * managers on a {@link Device}, and wraps the few engine calls DJL's API does not expose.
 *
 * <p>Threads: {@code -Dai.djl.pytorch.num_threads=N} and {@code -Dai.djl.pytorch.num_interop_threads=N} apply
 * when the engine loads; {@link #setThreads(int)} changes the intra-op count at any time, and {@link #threads(int)}
 * for a scope that restores it. Results are bit for bit reproducible for a given thread count on the CPU; another
 * count may change the last bits of reductions.
 *
 * <p>Memory that Java owns. On the CPU, DJL 0.36 builds every array created from Java data ({@code
 * manager.create(float[])}, {@code create(Buffer)}, and the number operand of {@code x.mul(2)}, {@code
 * x.div(n)}, {@code x.pow(p)}, {@code x.maximum(v)}...) on a direct buffer with {@code torch::from_blob}, without
 * a copy; the buffer lives as long as its Java {@code NDArray} is open and reachable. A number operand is closed
 * as soon as its op returns, yet the backward pass of mul, div, pow, maximum and minimum reads it again: once the
 * garbage collector has freed the buffer, the gradient is computed from whatever memory lies there by then. The
 * library therefore never passes a Java number to an op that autograd records, and uses {@link #scalar} instead;
 * and it keeps nothing long-lived on Java memory ({@link #owned}), which also gives every array libtorch's 64-byte
 * alignment, so that MKL's alignment-dependent kernels return the same bits in every process.
 */
public final class Backend {

    /** The DJL engine this library runs on. */
    public static final String ENGINE = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    /** DJL's switch for its usage telemetry, which probes cloud metadata endpoints on every engine start. */
    private static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    static {
        optOutOfTelemetry();
    }

    private Backend() {}

    /**
     * Turns DJL's usage telemetry off unless the user set {@code OPT_OUT_TRACKING} themselves: the library makes
     * no network call that the user did not ask for. Runs before this class loads any DJL engine; code that
     * loads another DJL library first (the tokenizers) calls it too.
     */
    public static void optOutOfTelemetry() {
        if (System.getenv(OPT_OUT_TRACKING) == null && System.getProperty(OPT_OUT_TRACKING) == null) {
            System.setProperty(OPT_OUT_TRACKING, "true");
        }
    }

    /** @return the PyTorch engine, loading it (from the bundled natives on the CPU build) on first use */
    public static Engine engine() {
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException e) {
            throw new CalmException("cannot load DJL's PyTorch engine: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a root manager on a device. Close it to free every tensor created under it.
     *
     * @param device where tensors live
     * @return a new root manager
     */
    public static NDManager newManager(Device device) {
        if (device.precision() != Precision.FP32) {
            throw new CalmException("precision " + device.precision() + " is not supported yet: parameters and "
                    + "activations are FP32 (reduced precision on the GPU is reserved for a later release)");
        }
        if (!device.isAvailable()) {
            throw new CalmException("device " + device + " is not available: the PyTorch engine sees "
                    + engine().getGpuCount() + " GPU(s)");
        }
        return NDManager.newBaseManager(device.djl(), ENGINE);
    }

    /**
     * Sets the number of intra-op threads libtorch uses.
     *
     * @param threads at least 1
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new CalmException("thread count must be at least 1, got " + threads);
        }
        engine();
        JniUtils.setNumThreads(threads);
        LOG.debug("libtorch intra-op threads set to {}", threads);
    }

    /** @return the number of intra-op threads libtorch uses */
    public static int threads() {
        engine();
        return JniUtils.getNumThreads();
    }

    /**
     * Sets libtorch's intra-op thread count until the scope closes, then restores the count it found, as
     * {@link #noGrad()} scopes the grad mode:
     *
     * <pre>{@code
     * try (ThreadScope t = Backend.threads(1)) {
     *     ... batch-1 decoding ...
     * } // the previous count again, also when the body throws
     * }</pre>
     *
     * <p>The count is the process's, not the calling thread's (libtorch has one intra-op pool): scopes that
     * overlap on two threads restore in the order they close.
     *
     * @param threads the count inside the scope, at least 1
     * @return the scope, to close when the region ends
     * @throws CalmException if {@code threads} is below 1 (then nothing changes)
     */
    public static ThreadScope threads(int threads) {
        return new ThreadScope(threads);
    }

    /** A region with a given intra-op thread count; closing it restores the count it found. */
    public static final class ThreadScope implements AutoCloseable {
        private final int previous;

        private ThreadScope(int threads) {
            this.previous = threads();
            setThreads(threads);
        }

        /** Restores the thread count that was set when the scope opened. */
        @Override
        public void close() {
            setThreads(previous);
        }
    }

    /** Serialises {@link #seededDraw}: libtorch's generator is one per process, shared by every thread. */
    private static final Object GENERATOR = new Object();

    /**
     * Seeds libtorch's global generators (CPU and CUDA) and draws from them, as one step no other thread can
     * interleave with: without the lock, two threads that each seed and then draw (Spark tasks in one JVM, say)
     * can take each other's numbers. Library code calls this only through {@link Rng}.
     *
     * @param seed the seed
     * @param draw the draw, such as {@code manager.randomNormal(...)}
     * @return what {@code draw} returned
     */
    static NDArray seededDraw(long seed, Supplier<NDArray> draw) {
        synchronized (GENERATOR) {
            JniUtils.setSeed(seed);
            return draw.get();
        }
    }

    /**
     * Turns autograd recording on or off for the calling thread. Threads other than the one that loaded the
     * engine start with recording on; inference threads should switch it off.
     *
     * @param enabled whether operations record a graph for backward
     */
    public static void setGradMode(boolean enabled) {
        JniUtils.setGradMode(enabled);
    }

    /** @return whether the calling thread records autograd graphs */
    public static boolean isGradMode() {
        return JniUtils.isGradMode();
    }

    /**
     * Turns the calling thread's autograd recording off until the scope closes, then restores what it was
     * ({@code torch.no_grad()}):
     *
     * <pre>{@code
     * try (GradScope g = Backend.noGrad()) {
     *     ... inference ...
     * }
     * }</pre>
     *
     * @return the scope, to close on the same thread
     */
    public static GradScope noGrad() {
        return new GradScope(false);
    }

    /** A region of one thread with a given grad mode; closing it restores the mode it found. */
    public static final class GradScope implements AutoCloseable {
        private final boolean previous;

        private GradScope(boolean enabled) {
            this.previous = isGradMode();
            setGradMode(enabled);
        }

        /** Restores the grad mode that was on when the scope opened. */
        @Override
        public void close() {
            setGradMode(previous);
        }
    }

    /**
     * A view of {@code array} restricted to {@code [from, to)} along one axis (one engine call, no copy), owned
     * by {@code owner}, whatever manager {@code array} belongs to.
     *
     * @param array the source
     * @param axis the axis to restrict
     * @param from first index, inclusive
     * @param to last index, exclusive
     * @param owner the manager of the view
     * @return the view
     */
    public static NDArray narrow(NDArray array, int axis, long from, long to, NDManager owner) {
        long[][] bounds = bounds(array.getShape(), axis, from, to);
        return JniUtils.index((PtNDArray) array, bounds[0], bounds[1], bounds[2], (PtNDManager) owner);
    }

    /**
     * A view of {@code array} restricted along two axes at once (one engine call, no copy), owned by {@code owner}:
     * for example the keys of a cache that keeps keys and values of all positions in one buffer.
     *
     * @param array the source
     * @param axis1 the first axis to restrict
     * @param from1 first index along it, inclusive
     * @param to1 last index along it, exclusive
     * @param axis2 the second axis to restrict
     * @param from2 first index along it, inclusive
     * @param to2 last index along it, exclusive
     * @param owner the manager of the view
     * @return the view
     */
    public static NDArray narrow(NDArray array, int axis1, long from1, long to1, int axis2, long from2, long to2,
            NDManager owner) {
        long[][] bounds = bounds(array.getShape(), axis1, from1, to1);
        bounds[0][axis2] = from2;
        bounds[1][axis2] = to2;
        return JniUtils.index((PtNDArray) array, bounds[0], bounds[1], bounds[2], (PtNDManager) owner);
    }

    /**
     * Copies {@code value} into {@code target} at {@code [from, from + length)} along one axis, in place (one
     * engine call).
     *
     * @param target the array written to
     * @param axis the axis
     * @param from first index written
     * @param value the values; their shape equals the target's but along {@code axis}
     */
    public static void write(NDArray target, int axis, long from, NDArray value) {
        long[][] bounds = bounds(target.getShape(), axis, from, from + value.getShape().get(axis));
        JniUtils.indexSet((PtNDArray) target, (PtNDArray) value, bounds[0], bounds[1], bounds[2]);
    }

    /**
     * Copies {@code value} into {@code target} at an offset along two axes, in place (one engine call).
     *
     * @param target the array written to
     * @param axis1 the first axis
     * @param from1 first index written along it
     * @param axis2 the second axis
     * @param from2 first index written along it
     * @param value the values; their shape equals the target's but along the two axes
     */
    public static void write(NDArray target, int axis1, long from1, int axis2, long from2, NDArray value) {
        long[][] bounds = bounds(target.getShape(), axis1, from1, from1 + value.getShape().get(axis1));
        bounds[0][axis2] = from2;
        bounds[1][axis2] = from2 + value.getShape().get(axis2);
        JniUtils.indexSet((PtNDArray) target, (PtNDArray) value, bounds[0], bounds[1], bounds[2]);
    }

    /**
     * {min, max, step} per axis: the whole of every axis but {@code [from, to)} along one. {@code max} is a copy:
     * {@link Shape#getShape()} returns the shape's own array, which DJL caches per NDArray, so writing into it
     * would silently change the array's reported shape.
     */
    private static long[][] bounds(Shape shape, int axis, long from, long to) {
        long[] min = new long[shape.dimension()];
        long[] max = shape.getShape().clone();
        long[] step = new long[shape.dimension()];
        Arrays.fill(step, 1);
        min[axis] = from;
        max[axis] = to;
        return new long[][] {min, max, step};
    }

    /**
     * A 0-dimensional tensor holding {@code value} in libtorch's own memory, of the data type and on the device of
     * {@code like}, owned by its manager: the operand for scalar arithmetic that autograd records, {@code
     * x.mul(Backend.scalar(x, 2))} where DJL's own {@code x.mul(2)} would hand libtorch memory that the garbage
     * collector frees before the backward pass reads it (see the class comment).
     *
     * @param like the array the scalar combines with
     * @param value the value, rounded to {@code like}'s data type
     * @return a new 0-dimensional array
     */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /**
     * Moves an array built from Java data into libtorch's own memory: a copy owned by the same manager, allocated
     * (and 64-byte aligned) by libtorch and freed with the array, never by the garbage collector. The argument is
     * closed. For arrays that outlive the step that created them: weights and optimizer state read from files,
     * constant tables.
     *
     * @param javaBacked an array created from a Java array or buffer
     * @return the copy
     */
    public static NDArray owned(NDArray javaBacked) {
        try (NDArray source = javaBacked) {
            return source.duplicate(); // torch::clone: a fresh libtorch allocation
        }
    }

    /**
     * Zeroes the gradient buffer of a parameter in place, NaN included (DJL's own zeroing keeps NaN).
     *
     * @param parameter an array with a gradient attached
     */
    public static void zeroGrad(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }
}
