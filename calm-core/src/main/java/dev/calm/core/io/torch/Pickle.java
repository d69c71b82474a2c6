/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import java.util.List;

/** The values the restricted unpickler builds: only what {@code torch.save} writes for a state dict. */
final class Pickle {

    private Pickle() {}

    /**
     * A Python tuple.
     *
     * @param items its elements
     */
    record Tuple(List<Object> items) {}

    /**
     * A global that the unpickler allows, by its module and name.
     *
     * @param module e.g. {@code torch._utils}
     * @param name e.g. {@code _rebuild_tensor_v2}
     */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /**
     * A storage of the archive, from a persistent id {@code ('storage', type, key, location, numel)}.
     *
     * @param type its element type's storage class, e.g. {@code torch.BFloat16Storage}
     * @param key its record name under {@code data/} in the archive
     * @param numel its number of elements
     */
    record StorageRef(StorageType type, String key, long numel) {}

    /**
     * A tensor: a view of a storage.
     *
     * @param storage the storage it views
     * @param offset the element offset of its first element in the storage
     * @param shape its dimensions
     * @param stride the element step of each dimension
     */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {}
}
