/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library through DJL's
 * {@link HuggingFaceTokenizer}.
 *
 * <p>DJL's defaults would add special tokens (BOS/EOS, CLS/SEP), truncate to 512 tokens and pad batches; this
 * class turns all three off, so {@link #encode} gives exactly the model's tokens of the whole text, and
 * {@link #decode} keeps special tokens' text. {@link #encodeBatch} encodes in parallel in Rust. Encoding reads only
 * the ids back from the native encoding (through DJL's {@link TokenizersLibrary}, under the handle and options
 * that {@link HuggingFaceTokenizer} set up), which halves the time on long texts.
 *
 * <p>The end-of-text id is that of the first of {@code <|endoftext|>}, {@code </s>}, {@code <|end_of_text|>},
 * {@code <eos>} present in the file; {@link #eosId()} throws a {@link CalmException} for a tokenizer that has
 * none. {@link #close()} must come after every encode and decode has returned.
 */
public final class HfTokenizer implements Tokenizer {

    /** End-of-text token names, in order of preference. */
    static final List<String> EOS_NAMES = List.of(END_OF_TEXT, "</s>", "<|end_of_text|>", "<eos>");

    /** The pad token the reference adds to a tokenizer that has none. */
    public static final String PAD = "[PAD]";

    /** DJL options: no special tokens, no truncation, no padding. */
    private static final Map<String, String> OPTIONS =
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer hf;
    private final Path file;
    private final int vocabSize;
    private final int eosId;

    private HfTokenizer(HuggingFaceTokenizer hf, Path file, int vocabSize, int eosId) {
        this.hf = hf;
        this.file = file;
        this.vocabSize = vocabSize;
        this.eosId = eosId;
    }

    /**
     * Loads a tokenizer.
     *
     * @param path a {@code tokenizer.json} file, or a directory that contains one
     * @return the loaded tokenizer; close it when done
     * @throws CalmException if the file is missing, unreadable, not JSON, or not a tokenizer the library accepts
     */
    public static HfTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        return fromTree(file, readTree(file));
    }

    /**
     * Loads a model's tokenizer as the reference implementation prepares it: when neither the tokenizer nor its
     * {@code tokenizer_config.json} or {@code special_tokens_map.json} beside it names a pad token, the special
     * token {@value #PAD} is added with the next id ({@code tokenizer.add_special_tokens(dict(pad_token="[PAD]"))}),
     * so the Llama-3 tokenizer's 128,256 ids become the 128,257 of the released models' {@code vocab_size}.
     *
     * @param path a {@code tokenizer.json} file, or a model directory that contains one
     * @return the loaded tokenizer; close it when done
     * @throws CalmException as {@link #load}
     */
    public static HfTokenizer loadWithPadToken(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        ObjectNode tree = readTree(file);
        if (padToken(file, tree) == null) {
            ArrayNode added = tree.has("added_tokens") && tree.get("added_tokens").isArray()
                    ? (ArrayNode) tree.get("added_tokens") : tree.putArray("added_tokens");
            added.addObject().put("id", vocabSize(tree)).put("content", PAD).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        return fromTree(file, tree);
    }

    /** The pad token's name: from the files beside the tokenizer, or [PAD] among its tokens; else null. */
    private static String padToken(Path file, ObjectNode tree) {
        Path dir = file.toAbsolutePath().getParent();
        for (String name : List.of("tokenizer_config.json", "special_tokens_map.json")) {
            Path side = dir == null ? null : dir.resolve(name);
            if (side != null && Files.isRegularFile(side)) {
                JsonNode pad = readTree(side).path("pad_token");
                String content = pad.isTextual() ? pad.textValue() : pad.path("content").asText(null);
                if (content != null) {
                    return content;
                }
            }
        }
        for (JsonNode added : tree.path("added_tokens")) {
            if (PAD.equals(added.path("content").asText())) {
                return PAD;
            }
        }
        return null;
    }

    private static ObjectNode readTree(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CalmException("tokenizer file not found: " + file);
        } catch (IOException e) {
            throw new CalmException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CalmException(
                    "malformed JSON in tokenizer file " + file + ": " + firstLine(e.getOriginalMessage()), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new CalmException("not a Hugging Face tokenizer.json (no \"model\" object): " + file);
        }
        return object;
    }

    private static HfTokenizer fromTree(Path file, ObjectNode tree) {
        if (!tree.path("model").isObject()) {
            throw new CalmException("not a Hugging Face tokenizer.json (no \"model\" object): " + file);
        }
        int vocabSize = vocabSize(tree);
        if (vocabSize == 0) {
            throw new CalmException("tokenizer file has an empty vocabulary: " + file);
        }
        int eosId = eosId(tree);
        HuggingFaceTokenizer hf;
        Backend.optOutOfTelemetry();
        try {
            hf = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(tree.toString().getBytes(StandardCharsets.UTF_8)), OPTIONS);
        } catch (EngineException e) {
            throw new CalmException("cannot load the Hugging Face tokenizers native library (needed for " + file
                    + "): " + firstLine(e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new CalmException("invalid tokenizer file " + file + ": " + firstLine(e.getMessage()), e);
        }
        return new HfTokenizer(hf, file, vocabSize, eosId);
    }

    /** One more than the largest id in {@code model.vocab} (object or Unigram list) and {@code added_tokens}. */
    private static int vocabSize(JsonNode tree) {
        int max = -1;
        JsonNode vocab = tree.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                max = Math.max(max, it.next().asInt(-1));
            }
        } else if (vocab.isArray()) {
            max = vocab.size() - 1;
        }
        for (JsonNode added : tree.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt(-1));
        }
        return max + 1;
    }

    /** The id of the first end-of-text name present, from {@code added_tokens} or the model vocabulary; else -1. */
    private static int eosId(JsonNode tree) {
        for (String name : EOS_NAMES) {
            for (JsonNode added : tree.path("added_tokens")) {
                if (name.equals(added.path("content").asText()) && added.path("id").canConvertToInt()) {
                    return added.path("id").asInt();
                }
            }
            JsonNode vocab = tree.path("model").path("vocab");
            if (vocab.isObject() && vocab.path(name).canConvertToInt()) {
                return vocab.path(name).asInt();
            }
            if (vocab.isArray()) {
                for (int i = 0; i < vocab.size(); i++) {
                    if (name.equals(vocab.get(i).path(0).asText())) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        // straight to the native encoding and its ids: DJL's Encoding would also copy out every token string
        // and character span, which doubles the cost on long texts
        long encoding = TokenizersLibrary.LIB.encode(hf.getHandle(), text, false);
        return idsOf(encoding);
    }

    /** Encodes the texts in parallel (Rust threads); each result equals {@code encode(text)}. */
    @Override
    public int[][] encodeBatch(List<String> texts) {
        if (texts.isEmpty()) {
            return new int[0][];
        }
        String[] array = texts.toArray(new String[0]);
        for (String text : array) {
            Objects.requireNonNull(text, "text");
        }
        long[] encodings = TokenizersLibrary.LIB.batchEncode(hf.getHandle(), array, false);
        int[][] out = new int[encodings.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = idsOf(encodings[i]);
        }
        return out;
    }

    private static int[] idsOf(long encoding) {
        try {
            long[] ids = TokenizersLibrary.LIB.getTokenIds(encoding);
            int[] out = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                out[i] = (int) ids[i];
            }
            return out;
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return hf.decode(wide, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * @return the id of {@code <|endoftext|>} (or {@code </s>}, {@code <|end_of_text|>}, {@code <eos>})
     * @throws CalmException if the tokenizer has none of them
     */
    @Override
    public int eosId() {
        if (eosId < 0) {
            throw new CalmException("tokenizer " + file + " has no end-of-text token (looked for "
                    + String.join(", ", EOS_NAMES) + ")");
        }
        return eosId;
    }

    /** @return the file this tokenizer was loaded from */
    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        return "HfTokenizer(" + file + ", vocabSize=" + vocabSize + (eosId >= 0 ? ", eosId=" + eosId : "") + ")";
    }

    @Override
    public void close() {
        hf.close();
    }
}
