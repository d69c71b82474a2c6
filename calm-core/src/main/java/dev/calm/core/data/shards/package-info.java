/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Sharded token datasets: a corpus tokenised once into binary shards of token ids with an index, read back by
 * memory-mapping, so that a corpus larger than memory streams into training. The on-disk format is {@link
 * dev.calm.core.data.shards.ShardFormat} (one shard) and {@link dev.calm.core.data.shards.ShardIndex} ({@code
 * index.json}); {@link dev.calm.core.data.shards.ShardedDatasetWriter} writes a dataset, {@link
 * dev.calm.core.data.shards.ShardedDataset} verifies and reads one, and {@link
 * dev.calm.core.data.shards.CorpusPreparer} turns a corpus into a training and a validation dataset. Any stream of
 * token ids, sharded or in memory, is a {@link dev.calm.core.data.shards.TokenStore}.
 */
package dev.calm.core.data.shards;
