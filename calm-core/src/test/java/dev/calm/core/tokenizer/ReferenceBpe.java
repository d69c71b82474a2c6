/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately plain byte-level BPE encoder for tests: split on {@code <|endoftext|>}, GPT-2 pre-tokenize,
 * then in each piece repeatedly merge (left to right, every occurrence) the adjacent pair with the lowest merge
 * rank, until no adjacent pair has a rank.
 */
final class ReferenceBpe {

    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<String, int[]> cache = new HashMap<>();

    ReferenceBpe(TrainedBpe bpe) {
        for (int id = 0; id < bpe.vocab().size(); id++) {
            ids.put(bpe.vocab().get(id), id);
        }
        for (int r = 0; r < bpe.merges().size(); r++) {
            ranks.putIfAbsent(key(bpe.merges().get(r).left(), bpe.merges().get(r).right()), r);
        }
    }

    int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        String[] parts = text.split(java.util.regex.Pattern.quote(Tokenizer.END_OF_TEXT), -1);
        for (int p = 0; p < parts.length; p++) {
            if (p > 0) {
                out.add(ids.get(Tokenizer.END_OF_TEXT));
            }
            for (String piece : ByteLevel.split(parts[p])) {
                for (int id : cache.computeIfAbsent(piece, this::encodePiece)) {
                    out.add(id);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] encodePiece(String piece) {
        List<String> symbols = new ArrayList<>();
        for (char c : ByteLevel.toByteChars(piece).toCharArray()) {
            symbols.add(String.valueOf(c));
        }
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestLeft = null;
            String bestRight = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = ranks.get(key(symbols.get(i), symbols.get(i + 1)));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestLeft = symbols.get(i);
                    bestRight = symbols.get(i + 1);
                }
            }
            if (bestLeft == null) {
                break;
            }
            List<String> next = new ArrayList<>();
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(bestLeft) && symbols.get(i + 1).equals(bestRight)) {
                    next.add(bestLeft + bestRight);
                    i++;
                } else {
                    next.add(symbols.get(i));
                }
            }
            symbols = next;
        }
        return symbols.stream().mapToInt(ids::get).toArray();
    }

    private static String key(String left, String right) {
        return left + "\u0000" + right;
    }
}
