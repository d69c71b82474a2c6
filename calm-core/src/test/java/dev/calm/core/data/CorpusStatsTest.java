/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.CalmException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorpusStatsTest {

    @Test
    void countsCodePointsAndUtf8Bytes() {
        // "aé€😀": 4 code points, 1 + 2 + 3 + 4 = 10 bytes (the emoji is 2 UTF-16 chars)
        CorpusStats stats = CorpusStats.of(List.of(new Document("x", "aé€😀"), new Document("y", "bc")));
        assertEquals(new CorpusStats(2, 6, 12, 0), stats);
        assertTrue(Double.isNaN(stats.bytesPerToken()));
        assertEquals(4.0, stats.withTokens(3).bytesPerToken());
    }

    @Test
    void utf8LengthAgreesWithTheJdk() {
        for (String s : new String[] {"", "ascii", "ünïcödé", "日本語", "😀🎉x", "a\u0000b"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, CorpusStats.utf8Length(s), s);
        }
    }

    @Test
    void readableSummary() {
        assertEquals("500 documents, 5,700,123 characters, 5,712,000 bytes, 1,428,000 tokens, 4.00 bytes/token",
                new CorpusStats(500, 5_700_123, 5_712_000, 1_428_000).toString());
        assertEquals("1 document, 3 characters, 3 bytes", new CorpusStats(1, 3, 3, 0).toString());
        assertThrows(CalmException.class, () -> new CorpusStats(-1, 0, 0, 0));
    }
}
