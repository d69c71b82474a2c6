/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Safetensors checkpoints: a streaming {@link dev.calm.core.io.SafeTensorsReader} that validates the whole
 * header first and reads tensors one at a time, an atomic {@link dev.calm.core.io.SafeTensorsWriter}, and the
 * F32/F16/BF16/I64 {@link dev.calm.core.io.DType}s, with half floats converted bit by bit in Java ({@link
 * dev.calm.core.io.HalfFloats}) because DJL's BF16 cast crashes the JVM.
 */
package dev.calm.core.io;
