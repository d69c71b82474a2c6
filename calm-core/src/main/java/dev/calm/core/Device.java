/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where tensors live and at which precision: the CPU, or one CUDA GPU.
 *
 * <p>{@link #auto()} picks GPU 0 when DJL's PyTorch engine finds one and the CPU otherwise, so the same code
 * runs on a laptop and on a GPU machine.
 *
 * @param kind CPU or GPU
 * @param index the GPU ordinal (0 for the CPU)
 * @param precision the floating-point precision of parameters and activations
 */
public record Device(Kind kind, int index, Precision precision) {

    /** The kind of device. */
    public enum Kind {
        /** The host CPU. */
        CPU,
        /** A CUDA GPU. */
        GPU
    }

    /**
     * Validates the combination: only supported precisions, a sensible index.
     *
     * @param kind CPU or GPU, not null
     * @param index the CUDA ordinal, &gt;= 0; must be 0 for the CPU
     * @param precision FP32 anywhere, FP16 on a GPU only; never BF16
     * @throws CalmException for BF16 (DJL 0.36 aborts the JVM when it casts to bfloat16), FP16 on the CPU, a
     *     negative index, a CPU index other than 0, or a null kind or precision
     */
    public Device {
        if (kind == null || precision == null) {
            throw new CalmException("device kind and precision must be given");
        }
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw new CalmException("invalid device index " + index + " for " + kind);
        }
        if (precision == Precision.BF16) {
            throw new CalmException(
                    "precision BF16 is not supported: DJL 0.36 aborts the JVM when it casts to bfloat16; use FP32");
        }
        if (precision == Precision.FP16 && kind == Kind.CPU) {
            throw new CalmException(
                    "precision FP16 is not supported on the CPU (libtorch runs it at a few GFLOP/s); use FP32");
        }
    }

    /** @return the CPU at FP32 */
    public static Device cpu() {
        return new Device(Kind.CPU, 0, Precision.FP32);
    }

    /**
     * @param index the CUDA ordinal
     * @return that GPU at FP32
     */
    public static Device gpu(int index) {
        return new Device(Kind.GPU, index, Precision.FP32);
    }

    /** @return GPU 0 if the PyTorch engine sees a GPU, else the CPU */
    public static Device auto() {
        return Backend.engine().getGpuCount() > 0 ? gpu(0) : cpu();
    }

    /**
     * Parses {@code cpu}, {@code gpu}, {@code gpu:N}, {@code cuda:N} or {@code auto}.
     *
     * @param text the device name, case-insensitive
     * @return the device
     */
    public static Device parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return auto();
        }
        if (s.equals("cpu")) {
            return cpu();
        }
        String[] parts = s.split(":", 2);
        if (parts[0].equals("gpu") || parts[0].equals("cuda")) {
            try {
                int index = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
                return gpu(index);
            } catch (NumberFormatException e) {
                throw new CalmException("invalid device '" + text + "': the GPU index must be an integer");
            }
        }
        throw new CalmException("invalid device '" + text + "': expected cpu, gpu, gpu:N or auto");
    }

    /**
     * @param precision the precision to use instead
     * @return this device at another precision
     */
    public Device withPrecision(Precision precision) {
        return new Device(kind, index, precision);
    }

    /** @return the DJL device: {@code cpu()} or {@code gpu(index)}; the precision is not part of it */
    public ai.djl.Device djl() {
        return kind == Kind.CPU ? ai.djl.Device.cpu() : ai.djl.Device.gpu(index);
    }

    /** @return whether this machine has this device */
    public boolean isAvailable() {
        return kind == Kind.CPU || index < Engine.getEngine(Backend.ENGINE).getGpuCount();
    }

    @Override
    public String toString() {
        return (kind == Kind.CPU ? "cpu" : "gpu:" + index) + "/" + precision.name().toLowerCase(Locale.ROOT);
    }
}
