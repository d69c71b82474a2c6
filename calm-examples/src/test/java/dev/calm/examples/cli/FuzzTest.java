/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.calm.autoencoder.AutoencoderConfig;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.Device;
import dev.calm.core.config.Json;
import dev.calm.core.data.CorpusReader;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsReader;
import dev.calm.core.io.SafeTensorsWriter;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.core.tokenizer.HfTokenizer;
import dev.calm.energy.CalmConfig;
import dev.calm.examples.pipeline.ModelConfigFile;
import dev.calm.examples.pipeline.RunModels;
import dev.calm.training.CheckpointStore;
import dev.calm.training.TrainConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Seeded mutation fuzzing of every file the library reads ({@link Fuzzer}): safetensors, {@code tokenizer.json},
 * model {@code config.json}, the run files ({@code --config} files made from run records, {@code plan.json},
 * {@code trainer_state.json}) and corpus files, plus the corpus cases named in issue 15 (invalid UTF-8, NUL bytes, a
 * 100 MB line, JSON nested 100,000 deep). Each reader must accept the file or reject it with the library's own
 * error: no other exception, no hang. {@code calm.fuzz.cases} (default 1,000 per target) and {@code
 * calm.fuzz.seed} set the size and the seed; {@code scripts/fuzz.sh} runs more. The counts go to
 * {@code target/fuzz-report.txt}.
 */
class FuzzTest {

    private static final int CASES = Integer.getInteger("calm.fuzz.cases", 1000);
    private static final long SEED = Long.getLong("calm.fuzz.seed", 15);
    private static final Map<String, Fuzzer.Report> REPORTS = new LinkedHashMap<>();

    private static NDManager root;
    private final TinyRun run = TinyRun.get();

    @BeforeAll
    static void open() {
        root = Backend.newManager(Device.cpu());
    }

    @AfterAll
    static void close() throws IOException {
        root.close();
        List<String> lines = new ArrayList<>();
        REPORTS.values().forEach(r -> lines.add(r.toString()));
        Path file = Path.of("target", "fuzz-report.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }

    private static void check(Fuzzer.Report report) {
        REPORTS.put(report.target(), report);
        System.out.println("fuzz " + report);
        assertEquals(0, report.counts().get(Fuzzer.Outcome.BUG) + report.counts().get(Fuzzer.Outcome.HANG),
                report.toString());
    }

    @Test
    void safetensors(@TempDir Path dir) throws Exception {
        Path seed = dir.resolve("seed.safetensors");
        Map<String, ai.djl.ndarray.NDArray> tensors = new LinkedHashMap<>();
        try (NDManager m = root.newSubManager()) {
            tensors.put("model.embed_tokens.weight", m.randomNormal(new ai.djl.ndarray.types.Shape(8, 4)));
            tensors.put("model.norm.weight", m.ones(new ai.djl.ndarray.types.Shape(4)));
            tensors.put("position_ids", m.arange(0, 6, 1, ai.djl.ndarray.types.DataType.INT64));
            SafeTensorsWriter.write(seed, tensors, Map.of("format", "pt"), DType.BF16);
        }
        check(Fuzzer.run("safetensors", Files.readAllBytes(seed), false, CASES, SEED, dir, file -> {
            try (SafeTensorsReader reader = SafeTensorsReader.open(file); NDManager m = root.newSubManager()) {
                for (String name : reader.names()) {
                    reader.read(name, m);
                }
            }
        }));
    }

    @Test
    void tokenizerJson(@TempDir Path dir) throws Exception {
        byte[] seed = Files.readAllBytes(run.runDir().resolve(RunModels.TOKENIZER));
        check(Fuzzer.run("tokenizer.json", seed, true, CASES / 2, SEED, dir, file -> { // a native load: the slowest
            try (HfTokenizer tokenizer = HfTokenizer.load(file)) {
                tokenizer.decode(tokenizer.encode("the jury said \u00e9 \u20ac 10"));
            }
        }));
    }

    @Test
    void modelConfigJson(@TempDir Path dir) throws Exception {
        Map<String, Class<?>> types = Map.of(RunModels.AUTOENCODER, AutoencoderConfig.class, RunModels.CALM,
                CalmConfig.class, RunModels.BASELINE, TransformerConfig.class);
        for (String model : List.of(RunModels.AUTOENCODER, RunModels.CALM, RunModels.BASELINE)) {
            Path modelDir = Files.createDirectories(dir.resolve(model));
            byte[] seed = Files.readAllBytes(run.runDir().resolve(model).resolve(ModelConfigFile.NAME));
            check(Fuzzer.run("config.json (" + model + ")", seed, true, CASES / 3 + 1, SEED, dir, file -> {
                Files.copy(file, modelDir.resolve(ModelConfigFile.NAME), StandardCopyOption.REPLACE_EXISTING);
                ModelConfigFile.read(modelDir, model, types.get(model));
            }));
        }
    }

    @Test
    void runFiles(@TempDir Path dir) throws Exception {
        JsonNode record = Json.MAPPER.readTree(run.runDir().resolve("train-ae.config.json").toFile());
        byte[] options = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(record.get("options"));
        Path missing = dir.resolve("no-run-here");
        check(Fuzzer.run("--config from a run record", options, true, CASES, SEED, dir, file -> {
            String[] args = {"train-ae", "--config", file.toString(), "--run-dir", missing.toString()};
            CommandLine cli = CalmCli.newCommandLine(args);
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(new StringWriter()));
            cli.setErr(new PrintWriter(err));
            int exit = cli.execute(args);
            if (err.toString().contains("internal error") || exit == 0) {
                throw new IllegalStateException("exit " + exit + ": " + err);
            }
            throw new CalmException(err.toString().strip()); // a usage error or a one-line failure
        }));
        Path plan = run.runDir().resolve("autoencoder").resolve("plan.json");
        check(Fuzzer.run("plan.json", Files.readAllBytes(plan), true, CASES / 2, SEED, dir,
                file -> Json.read(file, TrainConfig.class)));
        Path checkpoint = new CheckpointStore(run.runDir().resolve("autoencoder")).latest().orElseThrow();
        Path checkpointDir = Files.createDirectories(dir.resolve("checkpoint"));
        for (String f : List.of(CheckpointStore.MODEL, CheckpointStore.OPTIMIZER)) {
            Files.writeString(checkpointDir.resolve(f), "");
        }
        check(Fuzzer.run("trainer_state.json", Files.readAllBytes(checkpoint.resolve(CheckpointStore.STATE)), true,
                CASES / 2, SEED, dir, file -> {
                    Files.copy(file, checkpointDir.resolve(CheckpointStore.STATE), StandardCopyOption.REPLACE_EXISTING);
                    CheckpointStore.readState(checkpointDir);
                }));
    }

    @Test
    void corpusFiles(@TempDir Path dir) throws Exception {
        List<String> lines = Files.readAllLines(run.corpus()).subList(0, 4);
        byte[] seed = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        check(Fuzzer.run("corpus .jsonl", seed, true, CASES, SEED, dir, CorpusReader::read));
        Path txt = dir.resolve("corpus.txt");
        check(Fuzzer.run("corpus .txt", "the jury said\n\nit was\n".getBytes(StandardCharsets.UTF_8), false, CASES / 2,
                SEED, dir, file -> {
                    Files.copy(file, txt, StandardCopyOption.REPLACE_EXISTING);
                    CorpusReader.read(txt);
                }));
    }

    @Test
    void corpusEdgeCasesOfTheIssue(@TempDir Path dir) throws Exception {
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        // a 100 MB line, as JSON and as plain text
        Path bigJson = dir.resolve("big.jsonl");
        try (OutputStream out = Files.newOutputStream(bigJson)) {
            out.write("{\"text\": \"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "word ".repeat(200_000).getBytes(StandardCharsets.US_ASCII); // 1 MB
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
            }
            out.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
        }
        outcomes.put("100 MB JSON line", outcome(bigJson));
        Path bigText = dir.resolve("big.txt");
        try (OutputStream out = Files.newOutputStream(bigText)) {
            byte[] chunk = "word ".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
            }
        }
        outcomes.put("100 MB text line", outcome(bigText));
        Path deep = dir.resolve("deep.jsonl");
        Files.writeString(deep, "{\"text\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}\n");
        outcomes.put("JSON nested 100,000 deep", outcome(deep));
        Path invalid = dir.resolve("invalid.jsonl");
        Files.write(invalid, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, 0x28, (byte) 0xFF,
            '"', '}', '\n'});
        outcomes.put("invalid UTF-8", outcome(invalid));
        Path nul = dir.resolve("nul.txt");
        Files.write(nul, new byte[] {'a', 0, 'b', 0, 0, '\n', 'c'});
        outcomes.put("NUL bytes", outcome(nul));
        System.out.println("fuzz corpus edge cases (1 accepted, 2 rejected): " + outcomes);
        REPORTS.put("corpus edge cases", new Fuzzer.Report("corpus edge cases (1 accepted, 2 rejected, 3 bug)",
                Map.of(), List.of(outcomes.toString())));
        outcomes.forEach((name, o) -> assertEquals(true, o < 3, name + " gave a bug"));
    }

    /** 1 read, 2 rejected with a CalmException, 3 anything else. */
    private static int outcome(Path file) {
        try {
            CorpusReader.read(file);
            return 1;
        } catch (CalmException e) {
            return 2;
        } catch (RuntimeException | Error e) {
            System.out.println(file + ": " + e);
            return 3;
        }
    }
}
