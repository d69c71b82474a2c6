/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import dev.calm.core.CalmException;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.TensorBytes;
import dev.calm.core.io.TensorSpec;
import dev.calm.core.io.torch.Pickle.StorageRef;
import dev.calm.core.io.torch.Pickle.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a PyTorch checkpoint written by {@code torch.save(state_dict, path)} (PyTorch 1.6 and later): a zip
 * archive whose {@code data.pkl} pickles the state dict and whose {@code data/<key>} records hold the raw
 * storages. The pickle is read by a restricted unpickler that never executes anything and refuses every global
 * but those a state dict needs ({@link RestrictedUnpickler}); tensors are rebuilt from their storages with
 * their offsets and strides, in Java. F32, F16, BF16 and I64 storages are supported.
 *
 * <p>{@link #open} validates everything it can before returning: the archive, the pickle, that every storage
 * record exists, is stored uncompressed and is as long as the storage it holds, and that every tensor's view
 * lies inside its storage. A malformed file fails there with one {@link CalmException} naming the problem.
 */
public final class TorchCheckpointReader implements CheckpointReader {

    private static final Logger LOG = LoggerFactory.getLogger(TorchCheckpointReader.class);

    /** Largest {@code data.pkl} accepted; a state dict's pickle is kilobytes. */
    static final int MAX_PICKLE_BYTES = 64 << 20;

    /** A tensor and where its storage's bytes start in the file. */
    private record Stored(TensorSpec spec, TensorRef view, long storageStart) {}

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Stored> tensors;
    private volatile boolean closed;

    private TorchCheckpointReader(Path file, FileChannel channel, Map<String, Stored> tensors) {
        this.file = file;
        this.channel = channel;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Opens and validates a {@code torch.save} archive.
     *
     * @param file a {@code pytorch_model.bin} (or {@code .pt}/{@code .pth}) holding a state dict
     * @return an open reader; close it when done
     * @throws CalmException if the file is missing, unreadable, or not a well-formed state dict archive
     */
    public static TorchCheckpointReader open(Path file) {
        FileChannel channel = Checkpoints.openChannel(file, "a PyTorch checkpoint");
        try {
            Map<String, Stored> tensors = index(file, channel);
            LOG.debug("Opened {}: {} tensors", file, tensors.size());
            return new TorchCheckpointReader(file, channel, tensors);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Map<String, Stored> index(Path file, FileChannel channel) {
        checkMagic(file, channel);
        // The zip is read through a view of the channel that cannot close it: the reader keeps the channel.
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new UnclosableChannel(channel)).get()) {
            String prefix = archivePrefix(file, zip);
            checkByteOrder(file, zip, prefix);
            byte[] pickle = readRecord(file, zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES);
            Object root = RestrictedUnpickler.load(pickle, file + ": data.pkl");
            if (!(root instanceof Map<?, ?> dict)) {
                throw new CalmException(file + ": data.pkl holds " + root.getClass().getSimpleName()
                        + ", not a state dict (a dict of tensors)");
            }
            Map<String, Stored> tensors = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef view)) {
                    throw new CalmException(file + ": data.pkl is not a flat state dict: entry '" + e.getKey()
                            + "' is " + (e.getValue() == null ? "None" : e.getValue().getClass().getSimpleName())
                            + ", not a tensor (a checkpoint of a training run holds the model's state dict under "
                            + "a key; save that dict alone)");
                }
                tensors.put(name, stored(file, channel, zip, prefix, name, view));
            }
            return tensors;
        } catch (IOException e) {
            throw new CalmException(file + ": not a readable zip archive: " + e.getMessage(), e);
        } catch (CalmException e) {
            throw e;
        } catch (RuntimeException e) { // the zip library's own checks on a malformed archive
            throw new CalmException(file + ": malformed zip archive: " + e, e);
        }
    }

    private static void checkMagic(Path file, FileChannel channel) {
        ByteBuffer magic = ByteBuffer.allocate(4);
        try {
            while (magic.hasRemaining() && channel.read(magic, magic.position()) >= 0) {
                // read up to 4 bytes
            }
        } catch (IOException e) {
            throw new CalmException(file + ": cannot read: " + e.getMessage(), e);
        }
        byte[] m = magic.array();
        if (magic.position() == 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4) {
            return;
        }
        if (magic.position() >= 2 && (m[0] & 0xff) == 0x80 && m[1] >= 2 && m[1] <= 5) {
            throw new CalmException(file + ": a legacy torch.save file (PyTorch before 1.6, or "
                    + "_use_new_zipfile_serialization=False), which is not supported: re-save it with torch.save "
                    + "from PyTorch 1.6 or later");
        }
        throw new CalmException(file + ": not a PyTorch checkpoint: torch.save writes a zip archive, and this file "
                + "does not start with one" + (magic.position() < 4 ? " (it has " + magic.position() + " bytes)" : ""));
    }

    /** The folder every record of the archive sits in, e.g. {@code pytorch_model/}, from its data.pkl. */
    private static String archivePrefix(Path file, ZipFile zip) {
        List<String> pickles = new ArrayList<>();
        boolean torchScript = false;
        for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
            String name = entry.getName();
            if (name.equals("data.pkl") || name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - 9) {
                pickles.add(name);
            }
            torchScript |= name.endsWith("constants.pkl") || name.contains("/code/");
        }
        if (torchScript) {
            throw new CalmException(file + ": a TorchScript archive (torch.jit.save), not a state dict saved by "
                    + "torch.save");
        }
        if (pickles.size() != 1) {
            throw new CalmException(file + ": a zip archive with " + (pickles.isEmpty() ? "no" : pickles.size())
                    + " data.pkl records, not one checkpoint written by torch.save");
        }
        return pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
    }

    private static void checkByteOrder(Path file, ZipFile zip, String prefix) throws IOException {
        ZipArchiveEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry != null) {
            String order = new String(readRecord(file, zip, entry, 16), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new CalmException(file + ": storages are in '" + order + "' byte order; only little-endian "
                        + "checkpoints are supported");
            }
        }
    }

    private static byte[] readRecord(Path file, ZipFile zip, ZipArchiveEntry entry, int limit) throws IOException {
        if (entry.getSize() > limit) {
            throw new CalmException(file + ": record " + entry.getName() + " of " + entry.getSize()
                    + " bytes exceeds the limit of " + limit);
        }
        if (!zip.canReadEntryData(entry)) {
            throw new CalmException(file + ": record " + entry.getName() + " uses an unsupported zip method");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new CalmException(file + ": record " + entry.getName() + " exceeds the limit of " + limit
                        + " bytes");
            }
            return bytes;
        }
    }

    private static Stored stored(Path file, FileChannel channel, ZipFile zip, String prefix, String name,
            TensorRef view) throws IOException {
        StorageRef storage = view.storage();
        String where = file + ": tensor '" + name + "'";
        ZipArchiveEntry entry = zip.getEntry(prefix + "data/" + storage.key());
        if (entry == null) {
            throw new CalmException(where + ": its storage record data/" + storage.key() + " is missing");
        }
        if (entry.getMethod() != ZipArchiveEntry.STORED) {
            throw new CalmException(where + ": its storage record data/" + storage.key() + " is compressed; "
                    + "torch.save stores storages uncompressed");
        }
        int elementBytes = storage.type().dtype().byteSize();
        long storageBytes;
        long viewNumel;
        long lastElement = -1;
        try {
            storageBytes = Math.multiplyExact(storage.numel(), (long) elementBytes);
            viewNumel = 1;
            for (long dim : view.shape()) {
                viewNumel = Math.multiplyExact(viewNumel, dim);
            }
            if (viewNumel > 0) {
                lastElement = view.offset();
                for (int i = 0; i < view.shape().length; i++) {
                    lastElement = Math.addExact(lastElement, Math.multiplyExact(view.shape()[i] - 1, view.stride()[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new CalmException(where + ": size " + Arrays.toString(view.shape()) + ", stride "
                    + Arrays.toString(view.stride()) + " or storage size " + storage.numel() + " overflows");
        }
        if (entry.getSize() < storageBytes) {
            throw new CalmException(where + ": storage data/" + storage.key() + " declares " + storage.numel()
                    + " elements of " + storage.type().dtype().safetensorsName() + " (" + storageBytes
                    + " bytes) but its record holds " + entry.getSize() + " bytes");
        }
        if (lastElement >= storage.numel()) {
            throw new CalmException(where + ": its view (offset " + view.offset() + ", size "
                    + Arrays.toString(view.shape()) + ", stride " + Arrays.toString(view.stride())
                    + ") reaches element " + lastElement + " of a storage of " + storage.numel()
                    + " elements: the storage is shorter than the view");
        }
        if (viewNumel > storage.numel()) {
            throw new CalmException(where + ": its view has " + viewNumel + " elements, more than its storage's "
                    + storage.numel() + " (a broadcast view, which a state dict does not hold)");
        }
        long start = entry.getDataOffset();
        if (start < 0 || start > channel.size() || storageBytes > channel.size() - start) {
            throw new CalmException(where + ": storage data/" + storage.key() + " lies outside the file "
                    + "(truncated?)");
        }
        return new Stored(new TensorSpec(name, storage.type().dtype(), view.shape()), view, start);
    }

    @Override
    public Path source() {
        return file;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public TensorSpec spec(String name) {
        return stored(name).spec();
    }

    /**
     * @param a a tensor's name
     * @param b another tensor's name
     * @return whether the two are the same view of the same storage (as tied or doubly registered parameters are
     *     in a state dict), hence hold the same values without reading them
     */
    public boolean sameView(String a, String b) {
        TensorRef x = stored(a).view();
        TensorRef y = stored(b).view();
        return x.storage().key().equals(y.storage().key()) && x.offset() == y.offset()
                && Arrays.equals(x.shape(), y.shape()) && Arrays.equals(x.stride(), y.stride());
    }

    @Override
    public ByteBuffer readBytes(String name) {
        if (closed) {
            throw new CalmException(file + ": cannot read tensor '" + name + "': the reader is closed");
        }
        Stored s = stored(name);
        TensorRef view = s.view();
        int elementBytes = s.spec().dtype().byteSize();
        ByteBuffer out;
        try {
            out = ByteBuffer.allocate(TensorBytes.checkedBytes(s.spec(), elementBytes));
        } catch (CalmException e) {
            throw new CalmException(file + ": " + e.getMessage(), e);
        }
        if (out.capacity() == 0) {
            return out.order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            if (contiguous(view)) {
                readFully(out, s.storageStart() + view.offset() * elementBytes);
            } else {
                gather(s, out, elementBytes);
            }
        } catch (IOException e) {
            throw new CalmException(file + ": cannot read tensor '" + name + "': " + e, e);
        }
        return out.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies a strided view element by element from the span of the storage it covers. */
    private void gather(Stored s, ByteBuffer out, int elementBytes) throws IOException {
        TensorRef view = s.view();
        long[] shape = view.shape();
        long[] stride = view.stride();
        long last = view.offset();
        for (int i = 0; i < shape.length; i++) {
            last += (shape[i] - 1) * stride[i];
        }
        long spanBytes = (last - view.offset() + 1) * elementBytes; // within the storage, checked at open
        if (spanBytes > Integer.MAX_VALUE - 8) {
            throw new CalmException(file + ": tensor '" + s.spec().name() + "' spans " + spanBytes
                    + " bytes of its storage, more than one Java buffer holds (2 GiB)");
        }
        ByteBuffer span = ByteBuffer.allocate((int) spanBytes);
        readFully(span, s.storageStart() + view.offset() * elementBytes);
        byte[] from = span.array();
        byte[] to = out.array();
        long[] index = new long[shape.length];
        int written = 0;
        while (written < to.length) {
            long element = 0;
            for (int i = 0; i < shape.length; i++) {
                element += index[i] * stride[i];
            }
            System.arraycopy(from, (int) (element * elementBytes), to, written, elementBytes);
            written += elementBytes;
            for (int i = shape.length - 1; i >= 0; i--) { // row-major odometer
                if (++index[i] < shape[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        out.position(to.length);
    }

    /** Row-major contiguous: every dimension of size above 1 steps by the product of the sizes after it. */
    private static boolean contiguous(TensorRef view) {
        long expected = 1;
        for (int i = view.shape().length - 1; i >= 0; i--) {
            if (view.shape()[i] != 1 && view.stride()[i] != expected) {
                return false;
            }
            expected *= view.shape()[i];
        }
        return true;
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        Checkpoints.readFully(channel, buffer, position);
    }

    private Stored stored(String name) {
        Stored s = tensors.get(name);
        if (s == null) {
            throw noSuchTensor(name);
        }
        return s;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a checkpoint failed", e);
        }
    }
}
