/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.Device;
import dev.calm.core.Rng;
import dev.calm.core.data.shards.ShardedDataset;
import dev.calm.core.llama.TransformerConfig;
import dev.calm.energy.TokenBaseline;
import dev.calm.training.StepMetrics;
import dev.calm.training.TokenObjective;
import dev.calm.training.TrainConfig;
import dev.calm.training.Trainer;
import dev.calm.training.TrainingHook;
import dev.calm.training.data.StreamingBlocks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The scale proof's Java parts, run by {@code scripts/benchmarks/scale.sh} from the repository root after
 * {@code ./calm --help} has built the jar:
 *
 * <pre>
 * java -cp 'calm-examples/target/calm-examples.jar:calm-examples/target/lib/*' scripts/benchmarks/ScaleBenchmark.java corpus DIR MB
 * java -cp 'calm-examples/target/calm-examples.jar:calm-examples/target/lib/*' scripts/benchmarks/ScaleBenchmark.java stream DATASET STEPS
 * </pre>
 *
 * <ul>
 *   <li>{@code corpus DIR MB}: a synthetic corpus of about MB megabytes of JSON lines ({@code part-NNN.jsonl},
 *       64 MB each), documents of seeded random English-like sentences; the same arguments give the same bytes.</li>
 *   <li>{@code stream DATASET STEPS}: first the shard read rate (batches of the small preset, 16 blocks of 256,
 *       drawn by {@code StreamingBlocks} from the memory-mapped dataset, no model), then STEPS training steps of
 *       the small preset's token baseline streaming from the same dataset, with the process's resident memory
 *       (VmRSS) every STEPS / 10 steps. Both rates in tokens per second of wall time, measured in this run.</li>
 * </ul>
 */
public final class ScaleBenchmark {

    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he this are "
            + "or his from at which but have an they you were her she there been one all we their has would when "
            + "if so no more out up into do any time them some could new about two may then than first other like "
            + "over only people after made most years also between through state government world because work "
            + "system number continuous autoregressive language model vector chunk energy sample latent token "
            + "river mountain village morning evening letter question answer history science music garden")
            .split(" ");

    public static void main(String[] args) throws IOException {
        switch (args.length > 0 ? args[0] : "") {
            case "corpus" -> corpus(Path.of(args[1]), Long.parseLong(args[2]));
            case "stream" -> stream(Path.of(args[1]), Integer.parseInt(args[2]));
            default -> {
                System.err.println("usage: ScaleBenchmark corpus DIR MB | stream DATASET STEPS");
                System.exit(2);
            }
        }
    }

    private static void corpus(Path dir, long megabytes) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(19);
        long target = megabytes << 20;
        long written = 0;
        int part = 0;
        StringBuilder doc = new StringBuilder();
        while (written < target) {
            Path file = dir.resolve(String.format(Locale.ROOT, "part-%03d.jsonl", part++));
            long fileBytes = 0;
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                while (fileBytes < (64L << 20) && written + fileBytes < target) {
                    doc.setLength(0);
                    doc.append("{\"text\": \"");
                    int sentences = 3 + random.nextInt(40);
                    for (int s = 0; s < sentences; s++) {
                        int words = 4 + random.nextInt(14);
                        for (int w = 0; w < words; w++) {
                            String word = WORDS[(int) Math.min(WORDS.length - 1,
                                    -Math.log(1 - random.nextDouble()) * 25)]; // a Zipf-like skew
                            doc.append(s == 0 && w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1)
                                    : word);
                            doc.append(w == words - 1 ? ". " : " ");
                        }
                    }
                    doc.append("\"}\n");
                    out.write(doc.toString());
                    fileBytes += doc.length();
                }
            }
            written += fileBytes;
        }
        System.out.printf(Locale.ROOT, "corpus: %,d bytes in %d files under %s%n", written, part, dir);
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static void stream(Path datasetDir, int steps) throws IOException {
        long t0 = System.nanoTime();
        ShardedDataset data = ShardedDataset.open(datasetDir, ShardedDataset.Verification.HEADERS);
        System.out.printf(Locale.ROOT, "dataset: %s (opened in %.2f s), RSS %,d kB%n", data,
                (System.nanoTime() - t0) / 1e9, rssKb());
        int batch = 16;
        int block = 256;
        StreamingBlocks reader = new StreamingBlocks(data, block, 4, batch, 1);
        int readBatches = 2000;
        long start = System.nanoTime();
        long checksum = 0;
        for (int b = 0; b < readBatches; b++) {
            int[] ids = reader.nextIds();
            checksum += ids[b % ids.length];
        }
        double readSeconds = (System.nanoTime() - start) / 1e9;
        double readRate = (double) readBatches * batch * block / readSeconds;
        System.out.printf(Locale.ROOT, "shard read: %,d batches of %d x %d in %.2f s = %,.0f tokens/s (checksum %d)%n",
                readBatches, batch, block, readSeconds, readRate, checksum);

        int vocab = data.tokenizer().vocabSize();
        try (NDManager root = Backend.newManager(Device.cpu())) {
            TokenBaseline model = new TokenBaseline(TransformerConfig.small(vocab));
            model.initialize(root, new Rng(0));
            TrainConfig config = TrainConfig.defaults(steps).toBuilder().progressBar(false).checkpointEvery(0)
                    .logEvery(steps).build();
            long[] trainStart = {0};
            int every = Math.max(1, steps / 10);
            Trainer trainer = new Trainer(new TokenObjective(model), new StreamingBlocks(data, block, 4, batch, 2),
                    config, Files.createTempDirectory("scale-stream"));
            trainer.addHook(new TrainingHook() {
                @Override
                public void onStep(StepMetrics m) {
                    if (m.step() == 1) {
                        trainStart[0] = System.nanoTime();
                    }
                    if (m.step() % every == 0 || m.step() == 1) {
                        try {
                            System.out.printf(Locale.ROOT, "step %d: RSS %,d kB%n", m.step(), rssKb());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            });
            trainer.fit();
            double trainSeconds = (System.nanoTime() - trainStart[0]) / 1e9;
            double trainRate = (double) (steps - 1) * batch * block / trainSeconds;
            System.out.printf(Locale.ROOT, "training (small preset baseline, batch %d x %d): %,.0f tokens/s; shard "
                    + "read / training consumption = %.0fx%n", batch, block, trainRate, readRate / trainRate);
        }
    }
}
