/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calm.core.CalmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed and validated safetensors header: its tensors in file order and its metadata.
 *
 * @param tensors the tensors by name, ordered by their position in the data buffer
 * @param metadata the {@code __metadata__} map, empty if absent
 * @param dataStart the file offset of the data buffer: 8 plus the header length
 */
record SafeTensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {

    /** The header size limit of the reference implementation. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength((int) MAX_HEADER_BYTES)
                    .maxNameLength((int) MAX_HEADER_BYTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    SafeTensorsHeader {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Reads the length prefix and header of a safetensors file and validates them against the file's size.
     *
     * @param channel the open file
     * @param file the file, for messages
     */
    static SafeTensorsHeader read(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw fail(file, "file is too short (" + size
                    + " bytes) to be a safetensors file, which starts with an 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        Checkpoints.readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw fail(file, "header of " + Long.toUnsignedString(headerLength) + " bytes exceeds the 100 MB limit");
        }
        if (headerLength > size - 8) {
            throw fail(file, "header length " + headerLength + " exceeds file size " + size
                    + ": truncated or not a safetensors file");
        }
        ByteBuffer json = ByteBuffer.allocate((int) headerLength);
        Checkpoints.readFully(channel, json, 8);
        return parse(json.array(), 8 + headerLength, size - 8 - headerLength, file);
    }

    /**
     * Parses and validates a header.
     *
     * @param json the header bytes, UTF-8 JSON, possibly padded with trailing spaces
     * @param dataStart the file offset where the data buffer starts
     * @param dataSize the size of the data buffer that follows the header in the file
     * @param file the file, for messages
     */
    static SafeTensorsHeader parse(byte[] json, long dataStart, long dataSize, Path file) {
        JsonNode root = parseJson(json, file);
        if (!root.isObject()) {
            throw fail(file, "header is not a JSON object but " + describe(root));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                parseMetadata(field.getValue(), metadata, file);
            } else {
                infos.add(parseTensor(field.getKey(), field.getValue(), file));
            }
        }
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkCoverage(infos, dataSize, file);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            tensors.put(info.name(), info);
        }
        return new SafeTensorsHeader(tensors, metadata, dataStart);
    }

    private static JsonNode parseJson(byte[] json, Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CalmException(file + ": header is not valid UTF-8", e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new CalmException(file + ": header is not valid JSON: " + detail, e);
        }
        if (root == null || root.isMissingNode()) {
            throw fail(file, "header is not valid JSON: it is empty");
        }
        return root;
    }

    private static void parseMetadata(JsonNode node, Map<String, String> metadata, Path file) {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw fail(file, METADATA_KEY + " is not a JSON object but " + describe(node));
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw fail(file, METADATA_KEY + " value for '" + entry.getKey() + "' is not a string but "
                        + describe(entry.getValue()));
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
    }

    private static TensorInfo parseTensor(String name, JsonNode node, Path file) {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw fail(file, where + " is not a JSON object but " + describe(node));
        }
        JsonNode dtypeNode = required(node, "dtype", where, file);
        if (!dtypeNode.isTextual()) {
            throw fail(file, where + ": dtype is not a string but " + describe(dtypeNode));
        }
        DType dtype = DType.parse(dtypeNode.textValue(), name, file);
        long[] shape = longArray(required(node, "shape", where, file), "shape", -1, where, file);
        long[] offsets = longArray(required(node, "data_offsets", where, file), "data_offsets", 2, where, file);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail(file, where + ": data_offsets [" + begin + ", " + end + "] begin after they end");
        }
        long needed;
        try {
            long numel = 1;
            for (long dim : shape) {
                numel = Math.multiplyExact(numel, dim);
            }
            needed = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw fail(file, where + ": shape " + Arrays.toString(shape) + " is too large");
        }
        if (end - begin != needed) {
            throw fail(file, where + ": shape " + Arrays.toString(shape) + " of " + dtype.safetensorsName()
                    + " needs " + needed + " bytes but data_offsets span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonNode required(JsonNode node, String field, String where, Path file) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw fail(file, where + " has no " + field);
        }
        return value;
    }

    /** Reads a JSON array of non-negative integers; {@code length} is the required length, or -1 for any. */
    private static long[] longArray(JsonNode node, String field, int length, String where, Path file) {
        if (!node.isArray()) {
            throw fail(file, where + ": " + field + " is not a JSON array but " + describe(node));
        }
        if (length >= 0 && node.size() != length) {
            throw fail(file, where + ": " + field + " has " + node.size() + " entries, not " + length);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode element = node.get(i);
            if (!element.isIntegralNumber() || !element.canConvertToLong()) {
                throw fail(file, where + ": " + field + " entry " + element + " is not an integer in range");
            }
            values[i] = element.longValue();
            if (values[i] < 0) {
                throw fail(file, where + ": " + field + " has negative entry " + values[i]);
            }
        }
        return values;
    }

    /** Checks that the tensors, sorted by offset, tile the data buffer exactly. */
    private static void checkCoverage(List<TensorInfo> sorted, long dataSize, Path file) {
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo info : sorted) {
            if (info.begin() > covered) {
                throw fail(file, "hole in the data buffer: bytes [" + covered + ", " + info.begin()
                        + ") before tensor '" + info.name() + "' belong to no tensor");
            }
            if (info.begin() < covered) {
                throw fail(file, "tensor '" + info.name() + "' at [" + info.begin() + ", " + info.end()
                        + ") overlaps tensor '" + previous.name() + "' at [" + previous.begin() + ", "
                        + previous.end() + ")");
            }
            covered = info.end();
            previous = info;
        }
        if (dataSize < covered) {
            throw fail(file, "data buffer is truncated: expected " + covered + " bytes, file has " + dataSize);
        }
        if (dataSize > covered) {
            throw fail(file, "data buffer has " + dataSize + " bytes but the tensors cover only " + covered
                    + ": trailing bytes belong to no tensor");
        }
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static CalmException fail(Path file, String problem) {
        return new CalmException(file + ": " + problem);
    }
}
