/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.config.Json;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.energy.CalmConfig;
import dev.calm.examples.pipeline.Throughput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code calm bench}: CALM against the token baseline on the same backbone, and the autoencoder, measured side by
 * side in one process ({@link BenchRun}): the engine's matmul peak and copy bandwidth, training speed and MFU,
 * generation at batch 1 and batched, libtorch calls per step, and for CALM the memory-bandwidth bound of a batch-1
 * step. {@code --json FILE} writes every figure under a stable key. {@code --peer} alternates rounds with
 * {@code bench/pytorch_peer.py} (the same models in plain PyTorch) and prints the paired ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the speed of CALM, the token baseline and the autoencoder: training tokens/s and MFU "
                + "against the engine's measured matmul peak, generation tokens/s at batch 1 and batched, libtorch "
                + "calls per step, and CALM's batch-1 step against the memory-bandwidth bound.",
            "--peer runs the same models in plain PyTorch (bench/pytorch_peer.py) in alternate rounds and prints "
                    + "the ratios."})
final class BenchCommand implements Callable<Integer> {

    /** Model sizes to measure: the backbone of both models, CALM's head and its autoencoder. */
    enum Preset {
        tiny, small, calm_m;

        CalmConfig calm(int vocab) {
            return switch (this) {
                case tiny -> CalmConfig.tiny(vocab, 4, 128);
                case small -> CalmConfig.small(vocab);
                case calm_m -> CalmConfig.calmM(vocab);
            };
        }

        AutoencoderConfig autoencoder(int vocab) {
            return this == calm_m ? AutoencoderConfig.paper(vocab) : AutoencoderConfig.cpu(vocab);
        }

        /** Timed training steps when --steps is not given: none for CALM-M, whose steps take minutes on a CPU. */
        int defaultSteps() {
            return this == calm_m ? 0 : 10;
        }
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "small", description = "tiny, small or calm_m (default: ${DEFAULT-VALUE})")
    private Preset preset;

    @Option(names = "--vocab", defaultValue = "4096", description = "vocabulary size (default: ${DEFAULT-VALUE})")
    private int vocab;

    @Option(names = "--batch", defaultValue = "16", description = "training batch size (default: ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--seq", defaultValue = "256", description = "training tokens per block, a multiple of K "
            + "(default: ${DEFAULT-VALUE})")
    private int seq;

    @Option(names = "--steps", description = "timed training steps, 0 to skip training (default: 10; 0 for calm_m)")
    private Integer steps;

    @Option(names = "--gen-tokens", defaultValue = "256", description = "timed generated tokens (default: ${DEFAULT-VALUE})")
    private int genTokens;

    @Option(names = "--gen-batch", defaultValue = "16", description = "sequences of the batched generation timing (default: ${DEFAULT-VALUE})")
    private int genBatch;

    @Option(names = "--json", paramLabel = "FILE", description = "write every figure to FILE as JSON, under stable keys")
    private Path json;

    @Option(names = "--peer", description = "also measure bench/pytorch_peer.py (plain PyTorch), in alternate rounds")
    private boolean peer;

    @Option(names = "--rounds", description = "measurement rounds; figures are medians over them, ratios to the peer "
            + "medians of each round's ratio (default: 2 with --peer, else 1)")
    private Integer rounds;

    @Option(names = "--python", paramLabel = "PATH", description = "the Python with torch for --peer (default: "
            + "/usr/bin/python3, else python3)")
    private String python;

    @Option(names = "--peer-script", paramLabel = "PATH", description = "the peer script (default: bench/pytorch_peer.py)")
    private Path peerScript;

    @CommandLine.Mixin
    private RuntimeOptions runtime;

    @Override
    public Integer call() {
        CalmConfig calmConfig = preset.calm(vocab);
        TransformerConfig backbone = calmConfig.backbone();
        int k = calmConfig.patchSize();
        int timedSteps = steps != null ? steps : preset.defaultSteps();
        int roundCount = rounds != null ? rounds : peer ? 2 : 1;
        if (batch < 1 || timedSteps < 0 || genTokens < 1 || genBatch < 1 || roundCount < 1 || seq < 2 * k
                || seq % k != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch, --gen-tokens, --gen-batch and "
                    + "--rounds must be >= 1, --steps >= 0, and --seq a multiple of K " + k + " and >= " + 2 * k);
        }
        if (Throughput.generationPositions(genTokens) > backbone.maxPositionEmbeddings()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gen-tokens exceeds the backbone's "
                    + backbone.maxPositionEmbeddings() + " positions");
        }
        PytorchPeer pytorch = peer ? PytorchPeer.locate(python, peerScript) : null; // fails before any measuring
        BenchRun.Settings settings = new BenchRun.Settings(calmConfig, preset.autoencoder(vocab), batch, seq,
                timedSteps, genTokens, genBatch, runtime.seed());
        PrintWriter out = spec.commandLine().getOut();
        List<ObjectNode> ours = new ArrayList<>();
        List<ObjectNode> theirs = new ArrayList<>();
        try (NDManager root = runtime.open()) {
            int threads = Backend.threads();
            out.printf(Locale.ROOT, "preset %s: backbone d %d, %d layers, %d heads, intermediate %d, vocab %d; "
                            + "training batch %d x %d tokens, %d timed steps; %s, %d threads%n", preset,
                    backbone.hiddenSize(), backbone.numHiddenLayers(), backbone.numAttentionHeads(),
                    backbone.intermediateSize(), vocab, batch, seq, timedSteps, runtime.device(), threads);
            out.flush();
            for (int round = 1; round <= roundCount; round++) {
                if (roundCount > 1) {
                    out.printf(Locale.ROOT, "round %d of %d: calm-java%n", round, roundCount);
                }
                ours.add(BenchRun.measure(settings, root, (section, figures) -> {
                    BenchText.print(out, section, figures, genBatch);
                    out.flush();
                }));
                if (pytorch != null) {
                    out.printf(Locale.ROOT, "round %d of %d: pytorch eager (%s)%n", round, roundCount, "bench/"
                            + PytorchPeer.SCRIPT.getFileName());
                    out.flush();
                    ObjectNode p = pytorch.measure(settings, threads);
                    BenchText.printPeer(out, p, genBatch);
                    out.flush();
                    theirs.add(p);
                }
            }
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.set("run", runSection(timedSteps, roundCount, threads));
            result.setAll(BenchText.medians(ours));
            if (pytorch != null) {
                result.set("pytorch", BenchText.medians(theirs));
                result.set("vs_pytorch", BenchText.pairedRatios(ours, theirs));
                BenchText.printRatios(out, (ObjectNode) result.get("vs_pytorch"), genBatch, roundCount);
            }
            if (roundCount > 1) {
                out.printf(Locale.ROOT, "medians of %d rounds: ", roundCount);
                BenchText.print(out, "comparison", (ObjectNode) result.get("comparison"), genBatch);
            }
            if (json != null) {
                Json.write(json, result);
                out.printf(Locale.ROOT, "figures written to %s%n", json);
            }
        }
        out.flush();
        return 0;
    }

    private JsonNode runSection(int timedSteps, int roundCount, int threads) {
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.put("preset", preset.name());
        run.put("vocab", vocab);
        run.put("batch", batch);
        run.put("seq", seq);
        run.put("steps", timedSteps);
        run.put("gen_tokens", genTokens);
        run.put("gen_batch", genBatch);
        run.put("rounds", roundCount);
        run.put("device", runtime.device().toString());
        run.put("threads", threads);
        run.put("seed", runtime.seed());
        return run;
    }
}
