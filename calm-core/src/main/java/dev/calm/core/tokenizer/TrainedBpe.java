/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calm.core.CalmException;
import dev.calm.core.config.Json;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained byte-level BPE: the vocabulary by id ({@code <|endoftext|>} at 0, the 256 byte tokens at
 * {@code 1 + byte}, then merged tokens) and the merges in rank order. Tokens are written in the GPT-2
 * byte-level alphabet ({@link ByteLevel}), as in a Hugging Face {@code tokenizer.json}.
 *
 * @param vocab token text by id
 * @param merges merges in the order they were learned (rank 0 first)
 */
public record TrainedBpe(List<String> vocab, List<Merge> merges) {

    /**
     * One merge rule: adjacent tokens {@code left}, {@code right} become {@code left + right}.
     *
     * @param left the left token
     * @param right the right token
     */
    public record Merge(String left, String right) {

        /** @return the merged token */
        public String merged() {
            return left + right;
        }
    }

    /**
     * Copies the lists and checks that the vocabulary starts with {@code <|endoftext|>}. The merges are not
     * checked against the vocabulary here; {@link BpeTrainer} produces consistent ones.
     *
     * @param vocab token text by id, {@code <|endoftext|>} first (copied)
     * @param merges the merges, rank 0 first (copied)
     * @throws CalmException if the vocabulary is empty or does not start with {@code <|endoftext|>}
     */
    public TrainedBpe {
        vocab = List.copyOf(vocab);
        merges = List.copyOf(merges);
        if (vocab.isEmpty() || !Tokenizer.END_OF_TEXT.equals(vocab.get(0))) {
            throw new CalmException("a trained BPE vocabulary must start with " + Tokenizer.END_OF_TEXT);
        }
    }

    /** @return the number of ids, {@code <|endoftext|>} included */
    public int vocabSize() {
        return vocab.size();
    }

    /** @return the Hugging Face {@code tokenizer.json} tree of this BPE */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode eos = root.putArray("added_tokens").addObject();
        eos.put("id", 0);
        eos.put("content", Tokenizer.END_OF_TEXT);
        eos.put("single_word", false);
        eos.put("lstrip", false);
        eos.put("rstrip", false);
        eos.put("normalized", false);
        eos.put("special", true);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(f, false));
        root.putNull("post_processor");
        root.set("decoder", byteLevel(f, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        for (int id = 0; id < vocab.size(); id++) {
            vocabNode.put(vocab.get(id), id);
        }
        ArrayNode mergesNode = model.putArray("merges");
        for (Merge m : merges) {
            // byte-level tokens never contain a space, so the classic "left right" form is unambiguous
            mergesNode.add(m.left() + " " + m.right());
        }
        return root;
    }

    private static ObjectNode byteLevel(JsonNodeFactory f, boolean addPrefixSpace) {
        ObjectNode node = f.objectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
        return node;
    }

    /**
     * Writes {@code tokenizer.json} atomically (temporary file, then rename).
     *
     * @param tokenizerJson the target file; its directory is created if needed
     */
    public void save(Path tokenizerJson) {
        Json.write(tokenizerJson, toJson());
    }

    /**
     * Writes {@code tokenizer.json} and loads it.
     *
     * @param tokenizerJson the target file
     * @return the loaded tokenizer; close it when done
     */
    public HfTokenizer saveAndLoad(Path tokenizerJson) {
        save(tokenizerJson);
        return HfTokenizer.load(tokenizerJson);
    }
}
