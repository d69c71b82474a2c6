/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Optional interop with ND4J (the array library of Deeplearning4j): {@link dev.calm.core.nd4j.Nd4jArrays} converts
 * DJL arrays to ND4J's {@code INDArray} and back, {@link dev.calm.core.nd4j.Nd4jNpy} writes and reads {@code .npy}
 * files through ND4J's numpy codec.
 *
 * <p>ND4J is an optional dependency of calm-core: a project that uses this package adds {@code
 * org.nd4j:nd4j-native} (and its platform's natives, classifier {@code linux-x86_64} for example) itself; nothing
 * else in the library touches ND4J, so the rest works without it. ND4J and libtorch live in one JVM without
 * conflict (each brings its own OpenMP and BLAS; see "ND4J interop" in docs/architecture.md).
 */
package dev.calm.core.nd4j;
