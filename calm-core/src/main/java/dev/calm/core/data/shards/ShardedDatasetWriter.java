/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import dev.calm.core.CalmException;
import dev.calm.core.config.Checks;
import dev.calm.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a sharded dataset into a directory, one document at a time, in the order of the token stream.
 *
 * <p>The shard rule: shard k holds the documents whose first token falls at a stream offset in
 * {@code [k * shardTokens, (k + 1) * shardTokens)}; shards are numbered densely ({@code shard-00000.bin}, ...) in
 * stream order, skipping ranges where no document starts. The rule depends only on the documents' lengths, so a
 * distributed writer that knows each document's stream offset writes the same shards.
 *
 * <p>Each shard is written to a hidden temporary file, forced to disk and renamed into place when its last
 * document is known; {@code index.json} is written last. A crash therefore leaves whole shards, a temporary file
 * that readers ignore, and no index, so the dataset is never read as complete. {@link #resume} continues from the
 * shards a previous writer finished.
 */
public final class ShardedDatasetWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardedDatasetWriter.class);
    private static final String TEMP_PREFIX = ".shard-"; // AtomicFiles.temporarySibling of a shard

    /**
     * What a dataset is written with; all of it goes into {@code index.json}.
     *
     * @param tokenizer the tokenizer of every document
     * @param shardTokens the shard size setting, &gt; 0
     * @param split the dataset's side of the split ({@code train}, {@code validation} or {@code all})
     * @param validationFraction the share of documents held out by the split, in [0, 1)
     * @param seed the split's seed
     */
    public record Settings(TokenizerIdentity tokenizer, long shardTokens, String split, double validationFraction,
            long seed) {

        /**
         * Validates the settings.
         *
         * @param tokenizer not null
         * @param shardTokens &gt; 0
         * @param split not blank
         * @param validationFraction in [0, 1)
         * @param seed any
         */
        public Settings {
            Checks.check(tokenizer != null, "the dataset's tokenizer is missing");
            Checks.check(shardTokens > 0, "shard tokens must be > 0, got " + shardTokens);
            Checks.check(split != null && !split.isBlank(), "the dataset's split name is missing");
            Checks.check(validationFraction >= 0 && validationFraction < 1,
                    "validation fraction must be in [0, 1), got " + validationFraction);
        }

        /**
         * @param shards the finished shards
         * @return the index of a dataset made of them
         */
        public ShardIndex index(List<ShardInfo> shards) {
            long tokens = 0;
            long documents = 0;
            for (ShardInfo s : shards) {
                tokens += s.tokens();
                documents += s.documents();
            }
            return new ShardIndex(ShardIndex.FORMAT, ShardFormat.VERSION, tokenizer, tokenizer.tokenBytes(),
                    shardTokens, split, validationFraction, seed, tokens, documents, shards);
        }
    }

    private final Path dir;
    private final Settings settings;
    private final List<ShardInfo> finished;
    private final Consumer<ShardInfo> onShard;
    private long streamTokens;
    private long currentKey = -1;
    private ShardOutput current;
    private FileChannel channel;
    private Path temp;

    private ShardedDatasetWriter(Path dir, Settings settings, List<ShardInfo> finished, Consumer<ShardInfo> onShard) {
        this.dir = dir;
        this.settings = settings;
        this.finished = new ArrayList<>(finished);
        this.onShard = onShard;
        for (ShardInfo s : finished) {
            streamTokens += s.tokens();
        }
    }

    /**
     * Starts a dataset in a directory that holds no dataset yet.
     *
     * @param dir the dataset's directory, created if missing
     * @param settings what it is written with
     * @param onShard told of each shard once it is on disk under its name
     * @return the writer
     */
    public static ShardedDatasetWriter create(Path dir, Settings settings, Consumer<ShardInfo> onShard) {
        if (ShardIndex.exists(dir)) {
            throw new CalmException(dir + " already holds a finished dataset (" + ShardIndex.FILE + "); use another "
                    + "directory or delete it");
        }
        return resume(dir, settings, List.of(), onShard);
    }

    /**
     * Continues a dataset whose first shards a previous writer finished: the next document starts a new shard.
     * Temporary files and shards past {@code finished} (left by a crash between a rename and its record) are
     * removed; the finished shards must be on disk with their recorded sizes.
     *
     * @param dir the dataset's directory
     * @param settings the settings the finished shards were written with
     * @param finished the shards already written, in order
     * @param onShard told of each new shard once it is on disk under its name
     * @return the writer
     */
    public static ShardedDatasetWriter resume(Path dir, Settings settings, List<ShardInfo> finished,
            Consumer<ShardInfo> onShard) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CalmException("cannot create the dataset directory " + dir + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < finished.size(); i++) {
            ShardInfo s = finished.get(i);
            Path file = dir.resolve(s.file());
            if (!s.file().equals(ShardInfo.fileName(i))) {
                throw new CalmException("cannot resume " + dir + ": shard " + i + " is recorded as " + s.file());
            }
            try {
                if (!Files.isRegularFile(file) || Files.size(file) != s.bytes()) {
                    throw new CalmException("cannot resume " + dir + ": its finished shard " + file + " is missing or "
                            + "has another size than recorded; delete the directory and prepare again");
                }
            } catch (IOException e) {
                throw new CalmException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        removeLeftovers(dir, finished.size());
        return new ShardedDatasetWriter(dir, settings, finished, onShard);
    }

    /** Deletes temporary shards and shards numbered {@code from} and up. */
    private static void removeLeftovers(Path dir, int from) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                boolean stale = name.startsWith(TEMP_PREFIX)
                        || name.matches("shard-\\d{5,}\\.bin") && Integer.parseInt(name.substring(6, name.length() - 4)) >= from;
                if (stale) {
                    LOG.debug("removing {}, left by an interrupted preparation", f);
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new CalmException("cannot clean the dataset directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends a document to the stream.
     *
     * @param ids its token ids, without the end-of-text id that the writer appends
     */
    public void add(int[] ids) {
        long key = streamTokens / settings.shardTokens();
        if (current != null && key != currentKey) {
            closeShard();
        }
        if (current == null) {
            openShard();
            currentKey = key;
        }
        current.add(ids);
        streamTokens += ids.length + 1L;
    }

    /** @return token ids written so far (finished shards and the open one), end-of-text ids included */
    public long tokens() {
        return streamTokens;
    }

    /** @return the shards finished so far */
    public List<ShardInfo> shards() {
        return List.copyOf(finished);
    }

    /**
     * Finishes the open shard and writes {@code index.json}.
     *
     * @return the index
     * @throws CalmException if no document was ever added
     */
    public ShardIndex finish() {
        if (current != null) {
            closeShard();
        }
        if (finished.isEmpty()) {
            throw new CalmException("no documents to write into the dataset " + dir);
        }
        ShardIndex index = settings.index(finished);
        index.write(dir);
        return index;
    }

    /** Abandons an unfinished shard: its temporary file is deleted. Finished shards stay. */
    @Override
    public void close() {
        if (current == null) {
            return;
        }
        current = null;
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("cannot delete the unfinished shard {}: {}", temp, e.getMessage());
        }
    }

    private void openShard() {
        String name = ShardInfo.fileName(finished.size());
        temp = AtomicFiles.temporarySibling(dir.resolve(name)); // .shard-NNNNN.bin.tmp-<random>
        try {
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CalmException("cannot create a shard in " + dir + ": " + e.getMessage(), e);
        }
        OutputStream out = Channels.newOutputStream(channel);
        current = new ShardOutput(name, out, settings.tokenizer());
    }

    private void closeShard() {
        ShardInfo info = current.finish();
        Path target = dir.resolve(info.file());
        try {
            channel.force(true);
            channel.close();
            AtomicFiles.move(temp, target);
            AtomicFiles.syncDirectory(dir);
        } catch (IOException e) {
            close();
            throw new CalmException("cannot write shard " + target + ": " + AtomicFiles.describe(e), e);
        }
        current = null;
        finished.add(info);
        LOG.debug("wrote {}: {} tokens, {} documents", target, info.tokens(), info.documents());
        onShard.accept(info);
    }
}
