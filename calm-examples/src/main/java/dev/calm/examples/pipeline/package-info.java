/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The quickstart's pipeline as a library: the stages that {@code calm quickstart}, {@code calm tokenizer train},
 * {@code calm train-ae}, {@code calm train} and {@code calm eval} chain, each one call that reads and writes the
 * same files in a run directory as the command line, so a run started from code can be continued by the command
 * line and the other way round. A stage whose files are already there is resumed (training) or reused (the
 * tokenizer, a finished language model).
 *
 * <ol>
 *   <li>{@link dev.calm.examples.pipeline.CorpusStage}: read a corpus and split it into training and validation
 *       documents;
 *   <li>{@link dev.calm.examples.pipeline.TokenizerStage}: learn (or reuse) the byte-level BPE tokenizer and
 *       encode every corpus into blocks;
 *   <li>{@link dev.calm.examples.pipeline.AutoencoderStage}: train the K-token autoencoder, then measure its
 *       reconstruction and latent geometry;
 *   <li>{@link dev.calm.examples.pipeline.LanguageModelStage}: train a
 *       {@link dev.calm.examples.pipeline.LanguageModelStage.Contender} (CALM, the token baseline or any
 *       {@link dev.calm.core.nn.Module} with an {@link dev.calm.training.Objective}) for a budget;
 *   <li>{@link dev.calm.examples.pipeline.BrierStage} and {@link dev.calm.examples.pipeline.GenerationStage}:
 *       BrierLM on the held-out corpora, continuations and generation speed.
 * </ol>
 *
 * <p>{@link dev.calm.examples.pipeline.RunModels} and {@link dev.calm.examples.pipeline.ModelConfigFile} name
 * and load a run directory's models; {@link dev.calm.examples.pipeline.Budget} splits the quickstart's time
 * budget; {@link dev.calm.examples.pipeline.Throughput} measures training and generation speed.
 *
 * <pre>{@code
 * CorpusStage corpus = CorpusStage.prepare(Path.of("brown.jsonl"), Path.of("data"), List.of(), 0.05, seed, out);
 * TokenizerStage tokens = TokenizerStage.prepare(runDir, corpus, 4096, 256, 4, out);
 * try (Tokenizer tokenizer = tokens.tokenizer(); NDManager root = Backend.newManager(Device.cpu())) {
 *     Autoencoder ae = AutoencoderStage.run(runDir.resolve("autoencoder"), AutoencoderConfig.cpu(4096), tokens,
 *             new AutoencoderStage.Options(5, 0, 8, 6e-3, 32768, new double[] {0, 0.3}, 0.1, seed, 100), root, out);
 *     CalmConfig config = CalmConfig.small(4096);
 *     Calm calm = new Calm(config, ae);
 *     calm.initialize(root, new Rng(seed).fork("calm init"));
 *     LanguageModelStage.Summary summary = LanguageModelStage.run(runDir.resolve("calm"),
 *             new LanguageModelStage.Contender("calm", "my CALM", calm, new CalmObjective(calm), 3e-4, Map.of(),
 *                     config, calm),
 *             tokens.blocks().get("train"), LanguageModelStage.monitorBlocks(tokens.blocks().get("validation")),
 *             new LanguageModelStage.Options(5, 0, 16, 100, seed, 100), out);
 * }
 * }</pre>
 */
package dev.calm.examples.pipeline;
