/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data.shards;

import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * A sharded dataset opened for reading: its shards are memory-mapped, so the process's own memory does not grow
 * with the corpus (pages are read on demand and belong to the operating system's file cache).
 *
 * <p>Opening checks every shard against {@code index.json} before anything is read: that it exists with the
 * recorded size, that its header names the index's tokenizer (hash, vocabulary, end-of-text id), that its footer
 * holds the recorded counts, and (with {@link Verification#CHECKSUMS}, the default) that its CRC32C matches and its
 * document ends are consistent. Any disagreement is a one-line {@link CalmException} naming the shard. The
 * checksums are read through the file channel, not the mapping, so verifying does not make the shards resident.
 */
public final class ShardedDataset implements TokenStore {

    /** How much of each shard is checked when a dataset is opened. */
    public enum Verification {
        /** Sizes, headers and footers against the index, then the CRC32C of every byte and the document ends. */
        CHECKSUMS,
        /** Sizes, headers and footers against the index only: for corpora too large to read at every start. */
        HEADERS
    }

    private static final int CHECK_BUFFER = 1 << 20;

    private final Path dir;
    private final ShardIndex index;
    private final long[] starts; // stream offset of each shard's first token, then numTokens
    private final ShortBuffer[] shorts; // uint16 ids, or null
    private final IntBuffer[] ints; // uint32 ids, or null

    private ShardedDataset(Path dir, ShardIndex index, long[] starts, ShortBuffer[] shorts, IntBuffer[] ints) {
        this.dir = dir;
        this.index = index;
        this.starts = starts;
        this.shorts = shorts;
        this.ints = ints;
    }

    /**
     * Opens a dataset, verifying every shard's checksum.
     *
     * @param dir the dataset's directory (with {@code index.json})
     * @return the dataset
     * @throws CalmException naming the first shard that disagrees with the index
     */
    public static ShardedDataset open(Path dir) {
        return open(dir, Verification.CHECKSUMS);
    }

    /**
     * Opens a dataset.
     *
     * @param dir the dataset's directory (with {@code index.json})
     * @param verification how much of each shard is checked
     * @return the dataset
     * @throws CalmException naming the first shard that disagrees with the index
     */
    public static ShardedDataset open(Path dir, Verification verification) {
        ShardIndex index = ShardIndex.read(dir);
        List<ShardInfo> infos = index.shards();
        int n = infos.size();
        long[] starts = new long[n + 1];
        for (int i = 0; i < n; i++) {
            starts[i + 1] = starts[i] + infos.get(i).tokens();
        }
        boolean wide = index.tokenBytes() == 4;
        ShortBuffer[] shorts = wide ? null : new ShortBuffer[n];
        IntBuffer[] ints = wide ? new IntBuffer[n] : null;
        // shards are independent: check them in parallel, then report the first failure in shard order
        CalmException[] failures = new CalmException[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            try {
                ByteBuffer tokens = openShard(dir, index, infos.get(i), verification);
                if (wide) {
                    ints[i] = tokens.asIntBuffer();
                } else {
                    shorts[i] = tokens.asShortBuffer();
                }
            } catch (CalmException e) {
                failures[i] = e;
            }
        });
        for (CalmException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
        return new ShardedDataset(dir, index, starts, shorts, ints);
    }

    /** Checks one shard against the index and maps its token section. */
    private static ByteBuffer openShard(Path dir, ShardIndex index, ShardInfo info, Verification verification) {
        Path file = dir.resolve(info.file());
        String name = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != info.bytes()) {
                throw new CalmException("shard " + name + " is " + size + " bytes but " + ShardIndex.FILE + " records "
                        + info.bytes() + (size < info.bytes() ? ": it is truncated" : ": it was changed"));
            }
            if (size < ShardFormat.HEADER_BYTES + ShardFormat.FOOTER_BYTES) {
                throw new CalmException("shard " + name + " is too short to be a shard (" + size + " bytes)");
            }
            ShardFormat.Layout layout = ShardFormat.read(name, readAt(ch, 0, ShardFormat.HEADER_BYTES),
                    readAt(ch, size - ShardFormat.FOOTER_BYTES, ShardFormat.FOOTER_BYTES), size);
            checkAgainstIndex(name, layout, index, info);
            if (verification == Verification.CHECKSUMS) {
                String crc = crc32c(ch, size);
                if (!crc.equals(info.crc32c())) {
                    throw new CalmException("shard " + name + " is corrupt: its CRC32C is " + crc + ", "
                            + ShardIndex.FILE + " records " + info.crc32c());
                }
                checkDocumentEnds(name, documentEnds(ch, layout));
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, ShardFormat.HEADER_BYTES, layout.tokens() * layout.tokenBytes())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new CalmException("shard " + name + " listed in " + ShardIndex.FILE + " is missing", e);
        } catch (IOException e) {
            throw new CalmException("cannot read shard " + name + ": " + e.getMessage(), e);
        }
    }

    private static void checkAgainstIndex(String name, ShardFormat.Layout layout, ShardIndex index, ShardInfo info) {
        TokenizerIdentity mine = layout.tokenizer();
        TokenizerIdentity theirs = index.tokenizer();
        if (!mine.sha256().equals(theirs.sha256())) {
            throw new CalmException("shard " + name + " was written by another tokenizer (sha256 " + mine.shortHash()
                    + "..., " + ShardIndex.FILE + " records " + theirs.shortHash() + "...)");
        }
        if (mine.vocabSize() != theirs.vocabSize() || mine.eosId() != theirs.eosId()) {
            throw new CalmException("shard " + name + " has a vocabulary of " + mine.vocabSize() + " with end-of-text "
                    + mine.eosId() + "; " + ShardIndex.FILE + " records " + theirs.vocabSize() + " and "
                    + theirs.eosId());
        }
        if (layout.tokens() != info.tokens() || layout.documents() != info.documents()) {
            throw new CalmException(ShardIndex.FILE + " disagrees with shard " + name + ": it records " + info.tokens()
                    + " tokens and " + info.documents() + " documents, the shard holds " + layout.tokens() + " and "
                    + layout.documents());
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    private static String crc32c(FileChannel ch, long size) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocateDirect(CHECK_BUFFER);
        for (long at = 0; at < size; ) {
            b.clear();
            int n = ch.read(b, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            b.flip();
            crc.update(b);
            at += n;
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static long[] documentEnds(FileChannel ch, ShardFormat.Layout layout) throws IOException {
        long bytes = 8 * layout.documents();
        if (bytes > Integer.MAX_VALUE) {
            throw new IOException("too many documents in one shard: " + layout.documents());
        }
        LongBuffer ends = readAt(ch, layout.documentEndsOffset(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN)
                .asLongBuffer();
        long[] out = new long[ends.remaining()];
        ends.get(out);
        return out;
    }

    private static void checkDocumentEnds(String name, long[] ends) {
        long previous = 0;
        for (int d = 0; d < ends.length; d++) {
            if (ends[d] <= previous) {
                throw new CalmException("shard " + name + " is damaged: document " + d + " ends at " + ends[d]
                        + ", not after " + previous);
            }
            previous = ends[d];
        }
    }

    /** @return the dataset's directory */
    public Path directory() {
        return dir;
    }

    /** @return its index */
    public ShardIndex index() {
        return index;
    }

    /** @return the tokenizer that wrote it */
    public TokenizerIdentity tokenizer() {
        return index.tokenizer();
    }

    /** @return the number of documents */
    public long numDocuments() {
        return index.documents();
    }

    @Override
    public long numTokens() {
        return starts[starts.length - 1];
    }

    /**
     * Refuses a dataset written by another tokenizer than the one about to use it.
     *
     * @param expected the identity of the tokenizer in use
     * @param source where that tokenizer came from, for the message (for example its file)
     * @throws CalmException naming the dataset when the hash, vocabulary or end-of-text id differ
     */
    public void requireTokenizer(TokenizerIdentity expected, String source) {
        TokenizerIdentity mine = tokenizer();
        if (!mine.equals(expected)) {
            throw new CalmException("dataset " + dir + " was tokenised by another tokenizer than " + source
                    + " (dataset: sha256 " + mine.shortHash() + "..., " + mine.vocabSize() + " ids, end-of-text "
                    + mine.eosId() + "; " + source + ": sha256 " + expected.shortHash() + "..., "
                    + expected.vocabSize() + " ids, end-of-text " + expected.eosId() + "): prepare it again with "
                    + "this tokenizer");
        }
    }

    /**
     * @param shard a shard's place in the index
     * @return the stream offsets, within the shard, just past each of its documents
     */
    public long[] documentEnds(int shard) {
        ShardInfo info = index.shards().get(shard);
        try (FileChannel ch = FileChannel.open(dir.resolve(info.file()), StandardOpenOption.READ)) {
            return documentEnds(ch, new ShardFormat.Layout(tokenizer(), index.tokenBytes(), info.tokens(),
                    info.documents()));
        } catch (IOException e) {
            throw new CalmException("cannot read shard " + dir.resolve(info.file()) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void read(long offset, int[] into, int at, int length) {
        if (offset < 0 || length < 0 || offset + length > numTokens()) {
            throw new IndexOutOfBoundsException("ids [" + offset + ", " + (offset + length) + ") of " + numTokens());
        }
        int shard = shardOf(offset);
        while (length > 0) {
            int from = (int) (offset - starts[shard]);
            int n = (int) Math.min(length, starts[shard + 1] - offset);
            if (shorts != null) {
                ShortBuffer ids = shorts[shard];
                for (int i = 0; i < n; i++) {
                    into[at + i] = ids.get(from + i) & 0xFFFF;
                }
            } else {
                ints[shard].get(from, into, at, n);
            }
            offset += n;
            at += n;
            length -= n;
            shard++;
        }
    }

    /** The shard holding stream offset {@code offset}. */
    private int shardOf(long offset) {
        int i = Arrays.binarySearch(starts, offset);
        return i >= 0 ? Math.min(i, starts.length - 2) : -i - 2;
    }

    /**
     * @param dir a directory
     * @return whether it holds a finished dataset
     */
    public static boolean isDataset(Path dir) {
        return Files.isDirectory(dir) && ShardIndex.exists(dir);
    }

    @Override
    public String toString() {
        return "ShardedDataset[" + dir + ", " + index.shards().size() + " shards, " + numTokens() + " tokens, "
                + numDocuments() + " documents]";
    }
}
