/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import dev.calm.core.io.FileTrees;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.energy.CalmConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch peer of {@code calm bench}: {@code bench/pytorch_peer.py}, the same models at the same shapes in
 * plain PyTorch, run by a Python that has torch (Debian: {@code apt-get install python3-torch
 * libopenblas0-pthread}, then {@code /usr/bin/python3}). Only {@code calm bench --peer} uses it; nothing else
 * needs Python.
 */
final class PytorchPeer {

    /** Where the script lives in the repository. */
    static final Path SCRIPT = Path.of("bench", "pytorch_peer.py");
    /** Debian's interpreter, which sees the python3-torch package (another python3 on the PATH may not). */
    private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
    private static final long CHECK_SECONDS = 120;

    private final String python;
    private final Path script;

    private PytorchPeer(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /**
     * Finds the interpreter and the script and checks that the interpreter imports torch.
     *
     * @param python the interpreter, or null for {@code /usr/bin/python3} (else {@code python3} on the PATH)
     * @param script the script, or null for {@code bench/pytorch_peer.py} in the working directory or in the
     *     repository this program was built in
     * @return the peer
     * @throws CalmException naming what is missing
     */
    static PytorchPeer locate(String python, Path script) {
        Path found = script != null ? script : defaultScript();
        if (found == null || !Files.isRegularFile(found)) {
            throw new CalmException("the PyTorch peer script " + (script != null ? script : SCRIPT) + " was not found: "
                    + "run from the repository root or pass --peer-script PATH");
        }
        String interpreter = python != null ? python : Files.isExecutable(DEBIAN_PYTHON) ? DEBIAN_PYTHON.toString()
                : "python3";
        Result check = run(List.of(interpreter, "-c", "import torch; print(torch.__version__)"), CHECK_SECONDS);
        if (check.exitCode() != 0) {
            throw new CalmException(interpreter + " cannot import torch (" + check.lastLine() + "): install it (Debian: "
                    + "apt-get install python3-torch libopenblas0-pthread) or pass --python PATH");
        }
        return new PytorchPeer(interpreter, found);
    }

    /**
     * Measures the peer once.
     *
     * @param settings the shapes and the measurement, as for the Java round
     * @param threads intra-op threads
     * @return its figures, with the keys of {@link BenchRun} that it measures
     */
    ObjectNode measure(BenchRun.Settings settings, int threads) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("calm-peer");
            Path config = dir.resolve("config.json");
            Path out = dir.resolve("result.json");
            Files.writeString(config, Json.toJson(config(settings, threads)), StandardCharsets.UTF_8);
            Result r = run(List.of(python, script.toString(), "--config", config.toString(), "--out", out.toString()), 0);
            if (r.exitCode() != 0 || !Files.isRegularFile(out)) {
                throw new CalmException("the PyTorch peer failed (exit " + r.exitCode() + "): " + r.lastLine());
            }
            JsonNode result = Json.MAPPER.readTree(out.toFile());
            return (ObjectNode) result;
        } catch (IOException e) {
            throw new CalmException("cannot run the PyTorch peer: " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                FileTrees.delete(dir);
            }
        }
    }

    /** The shapes and settings the script reads, with its own short names. */
    private static ObjectNode config(BenchRun.Settings s, int threads) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        CalmConfig c = s.calm();
        TransformerConfig t = c.backbone();
        ObjectNode calm = root.putObject("calm");
        calm.put("vocab", t.vocabSize());
        calm.put("hidden", t.hiddenSize());
        calm.put("intermediate", t.intermediateSize());
        calm.put("layers", t.numHiddenLayers());
        calm.put("heads", t.numAttentionHeads());
        calm.put("kv_heads", t.numKeyValueHeads());
        calm.put("max_positions", t.maxPositionEmbeddings());
        calm.put("rope_theta", t.ropeTheta());
        calm.put("rms_eps", t.rmsNormEps());
        calm.put("patch", c.patchSize());
        calm.put("latent", c.latentSize());
        calm.put("noise", c.head().noiseSize());
        calm.put("head_blocks", c.head().numMlpLayers());
        calm.put("samples", c.head().numSamples());
        calm.put("targets", c.head().numTargetSamples());
        AutoencoderConfig a = s.autoencoder();
        ObjectNode ae = root.putObject("autoencoder");
        ae.put("vocab", a.vocabSize());
        ae.put("hidden", a.hiddenSize());
        ae.put("intermediate", a.intermediateSize());
        ae.put("encoder_layers", a.numEncoderLayers());
        ae.put("decoder_layers", a.numDecoderLayers());
        ae.put("patch", a.patchSize());
        ae.put("latent", a.latentSize());
        ae.put("rms_eps", a.rmsNormEps());
        ae.put("dropout", a.aeDropout());
        ae.put("kl_weight", a.klWeight());
        ae.put("kl_clamp", a.klClamp());
        ObjectNode settings = root.putObject("settings");
        settings.put("threads", threads);
        settings.put("seed", s.seed());
        settings.put("batch", s.batch());
        settings.put("seq", s.seq());
        settings.put("steps", s.steps());
        settings.put("gen_tokens", s.genTokens());
        settings.put("gen_batch", s.genBatch());
        return root;
    }

    /** bench/pytorch_peer.py in the working directory, or in the repository this program's jar was built in. */
    private static Path defaultScript() {
        if (Files.isRegularFile(SCRIPT)) {
            return SCRIPT;
        }
        try {
            Path here = Path.of(PytorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = here; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                    return dir.resolve(SCRIPT);
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source to start from: only the working directory counts
        }
        return null;
    }

    /** A finished process: its exit code and the last line it printed. */
    private record Result(int exitCode, String lastLine) {}

    /** Runs a command to its end (or for at most {@code seconds}, if positive), its outputs merged. */
    private static Result run(List<String> command, long seconds) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            p.getOutputStream().close();
            List<String> lines = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (var in = p.inputReader(StandardCharsets.UTF_8)) {
                    in.lines().forEach(lines::add);
                } catch (IOException e) {
                    // the process went away; its exit code tells
                }
            });
            reader.setDaemon(true);
            reader.start();
            boolean done = seconds > 0 ? p.waitFor(seconds, TimeUnit.SECONDS) : p.waitFor() >= Integer.MIN_VALUE;
            if (!done) {
                p.destroyForcibly();
                return new Result(-1, "no answer within " + seconds + " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return new Result(p.exitValue(), lines.isEmpty() ? "no output" : lines.get(lines.size() - 1));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CalmException("interrupted while running " + command.get(0));
        }
    }
}
