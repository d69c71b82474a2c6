/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Training batches from token streams of any size: {@link dev.calm.training.data.StreamingBlocks} serves blocks
 * of a sharded dataset (or of a corpus in memory) in an order drawn by {@link
 * dev.calm.training.data.BlockPermutation}, which needs no memory per block.
 */
package dev.calm.training.data;
