/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import dev.calm.core.CalmException;
import dev.calm.core.io.torch.TorchCheckpointReader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A checkpoint seen under other names: the part of a state dict that belongs to one module (the
 * {@code ae_model.*} of a CALM), or a file that registers a tensor twice (the reference's head under both
 * {@code mlp_generator} and {@code generative_head}, the autoencoder's {@code decoder.lm_head_weight} beside the
 * embedding it aliases). When two names of the file map to one name here, both must hold the same values; the
 * view checks that once, when it is made. It does not own the checkpoint: closing it does nothing.
 */
public final class MappedCheckpoint implements CheckpointReader {

    private final CheckpointReader source;
    private final Map<String, String> toSource;

    private MappedCheckpoint(CheckpointReader source, Map<String, String> toSource) {
        this.source = source;
        this.toSource = Collections.unmodifiableMap(toSource);
    }

    /**
     * @param source the checkpoint
     * @param rename a source name to its name in the view, or null to leave the tensor out
     * @return the view, in the source's order
     * @throws CalmException if two source names that map to one name hold different values
     */
    public static MappedCheckpoint of(CheckpointReader source, Function<String, String> rename) {
        Map<String, String> toSource = new LinkedHashMap<>();
        for (String name : source.names()) {
            String mapped = rename.apply(name);
            if (mapped == null) {
                continue;
            }
            String earlier = toSource.putIfAbsent(mapped, name);
            if (earlier != null) {
                checkSame(source, earlier, name);
            }
        }
        return new MappedCheckpoint(source, toSource);
    }

    /**
     * @param name a name in the view
     * @param sourceName a tensor of the source to show under that name if the view does not hold it yet (a tied
     *     weight that the file stores once, such as an untied head saved from a tied embedding)
     * @return a view with the alias added
     */
    public MappedCheckpoint withAlias(String name, String sourceName) {
        Map<String, String> more = new LinkedHashMap<>(toSource);
        if (source.contains(sourceName)) {
            more.putIfAbsent(name, sourceName);
        }
        return new MappedCheckpoint(source, more);
    }

    private static void checkSame(CheckpointReader source, String a, String b) {
        if (source instanceof TorchCheckpointReader torch && torch.sameView(a, b)) {
            return;
        }
        if (!source.spec(a).equals(new TensorSpec(a, source.spec(b).dtype(), source.spec(b).shape()))
                || !source.readBytes(a).equals(source.readBytes(b))) {
            throw new CalmException(source.source() + ": '" + a + "' and '" + b + "' are the same parameter "
                    + "registered twice, but they hold different values");
        }
    }

    /**
     * @param name a name in the view
     * @return the name of the source tensor it shows
     */
    public String sourceName(String name) {
        String s = toSource.get(name);
        if (s == null) {
            throw noSuchTensor(name);
        }
        return s;
    }

    @Override
    public Path source() {
        return source.source();
    }

    @Override
    public Set<String> names() {
        return toSource.keySet();
    }

    @Override
    public TensorSpec spec(String name) {
        TensorSpec spec = source.spec(sourceName(name));
        return new TensorSpec(name, spec.dtype(), spec.shape());
    }

    @Override
    public ByteBuffer readBytes(String name) {
        return source.readBytes(sourceName(name));
    }

    @Override
    public Map<String, String> metadata() {
        return source.metadata();
    }

    /** Does nothing: the source belongs to whoever opened it. */
    @Override
    public void close() {}
}
