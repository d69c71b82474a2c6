/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calm.experiment.CalmExperiment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The libtorch call counter: known calls counted once each, inner operators not counted, off outside a counter. */
@CalmExperiment
class OpCounterTest {

    @Test
    void countsEachCallOnceAndNotTheOperatorsInsideIt(NDManager manager) {
        NDArray a = manager.randomNormal(new Shape(3, 4));
        NDArray b = manager.randomNormal(new Shape(4, 5));
        a.add(a); // before the counter: not counted
        OpCounter.Counts counts;
        try (OpCounter counter = OpCounter.start()) {
            NDArray c = a.matMul(b); // one call (aten::matmul runs aten::mm inside it)
            c.add(c).softmax(-1); // two
            a.add(a); // one more add
            counts = counter.stop();
        }
        assertEquals(Map.of("aten::add", 2, "aten::matmul", 1, "aten::softmax", 1), counts.byName());
        assertEquals(4, counts.total());
        assertEquals("aten::add", counts.byName().keySet().iterator().next(), "most frequent first");
        try (OpCounter counter = OpCounter.start()) {
            assertEquals(0, counter.stop().total(), "nothing ran");
        }
    }

    @Test
    void oneCounterAtATime() {
        try (OpCounter counter = OpCounter.start()) {
            CalmException e = assertThrows(CalmException.class, OpCounter::start);
            assertTrue(e.getMessage().contains("already counting"), e.getMessage());
            counter.stop();
            assertEquals(0, counter.stop().total(), "stopping twice returns the same counts");
        }
        OpCounter.start().close(); // free again
    }

    @Test
    void nestedEventsOfATraceAreInnerWorkOfTheOutermost() throws Exception {
        // thread 1: A [0, 10) holds B [1, 4) and C [5, 9), which holds D [6, 7); then E [10, 12) and F [12, 20)
        // starting where E ends; thread 2: G [2, 3), overlapping A in time but on its own thread
        String trace = "{\"traceEvents\": ["
                + event("A", 1, 0, 10) + "," + event("B", 1, 1, 3) + "," + event("C", 1, 5, 4) + ","
                + event("D", 1, 6, 1) + "," + event("E", 1, 10, 2) + "," + event("F", 1, 12, 8) + ","
                + event("G", 2, 2, 1) + ", {\"ph\": \"i\", \"name\": \"marker\", \"ts\": 1, \"tid\": 1}]}";
        OpCounter.Counts counts = OpCounter.Counts.ofTrace(new ObjectMapper().readTree(trace));
        assertEquals(Map.of("A", 1, "E", 1, "F", 1, "G", 1), counts.byName());
    }

    private static String event(String name, int tid, double ts, double dur) {
        return "{\"ph\": \"X\", \"name\": \"" + name + "\", \"pid\": 1, \"tid\": " + tid + ", \"ts\": " + ts
                + ", \"dur\": " + dur + "}";
    }
}
