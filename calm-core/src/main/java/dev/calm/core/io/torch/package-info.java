/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * PyTorch checkpoints ({@code pytorch_model.bin}, written by {@code torch.save}) read in Java: the zip archive, a
 * restricted unpickler that builds only what a state dict holds and never executes anything, and tensors rebuilt
 * from their storages with offsets and strides ({@link dev.calm.core.io.torch.TorchCheckpointReader}).
 */
package dev.calm.core.io.torch;
