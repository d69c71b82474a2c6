/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The runtime every module shares: where tensors live ({@link dev.calm.core.Device}, FP32 only today, since
 * DJL 0.36 aborts the JVM on a cast to BF16), the single gateway to DJL's PyTorch engine ({@link
 * dev.calm.core.Backend}), the seeded random stream whose state is (seed, draws) ({@link dev.calm.core.Rng}),
 * the per-step sub-manager that keeps native memory flat ({@link dev.calm.core.StepScope}) and the one-line
 * user-fixable error ({@link dev.calm.core.CalmException}).
 */
package dev.calm.core;
