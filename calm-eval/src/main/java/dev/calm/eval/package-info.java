/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Likelihood-free evaluation (paper, section 4): Brier-n estimators of one position ({@link
 * dev.calm.eval.BrierScore}), their corpus aggregate BrierLM = 100 (Brier-1 Brier-2 Brier-3 Brier-4)^(1/4)
 * with standard errors ({@link dev.calm.eval.BrierLM}), the evaluator that scores any {@link
 * dev.calm.energy.StepModel} on held-out blocks ({@link dev.calm.eval.BrierEvaluator}), and the autoencoder's
 * reconstruction accuracy under Gaussian noise on z ({@link dev.calm.eval.ReconstructionEval}).
 */
package dev.calm.eval;
