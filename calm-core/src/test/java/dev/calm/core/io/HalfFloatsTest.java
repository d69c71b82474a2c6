/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    private static short bf16(float value) {
        return HalfFloats.floatToBf16(value);
    }

    private static short f16(float value) {
        return HalfFloats.floatToF16(value);
    }

    private static float bits(int floatBits) {
        return Float.intBitsToFloat(floatBits);
    }

    @Test
    void everyBf16PatternWidensExactlyAndRoundTrips() {
        for (int i = 0; i < 0x10000; i++) {
            short pattern = (short) i;
            float widened = HalfFloats.bf16ToFloat(pattern);
            assertEquals(i << 16, Float.floatToRawIntBits(widened), "widening 0x" + Integer.toHexString(i));
            short back = HalfFloats.floatToBf16(widened);
            if (Float.isNaN(widened)) {
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(back)), "NaN 0x" + Integer.toHexString(i));
                assertEquals(0x0040, back & 0x0040, "NaN becomes quiet");
                assertEquals(i & 0x8000, back & 0x8000, "NaN keeps its sign");
            } else {
                assertEquals(pattern, back, "round trip 0x" + Integer.toHexString(i));
            }
        }
    }

    @Test
    void everyF16PatternWidensToItsIeeeValueAndRoundTrips() {
        for (int i = 0; i < 0x10000; i++) {
            short pattern = (short) i;
            float widened = HalfFloats.f16ToFloat(pattern);
            int exponent = (i >>> 10) & 0x1f;
            int mantissa = i & 0x3ff;
            double sign = (i & 0x8000) != 0 ? -1 : 1;
            if (exponent == 0x1f) {
                assertEquals(mantissa != 0, Float.isNaN(widened), "NaN-ness of 0x" + Integer.toHexString(i));
                if (mantissa == 0) {
                    assertEquals(sign * Double.POSITIVE_INFINITY, widened, 0.0);
                }
            } else {
                double expected = exponent == 0
                        ? sign * Math.scalb((double) mantissa, -24)
                        : sign * Math.scalb(1024.0 + mantissa, exponent - 25);
                assertEquals(expected, widened, 0.0, "value of 0x" + Integer.toHexString(i));
            }
            short back = HalfFloats.floatToF16(widened);
            if (Float.isNaN(widened)) {
                assertTrue(Float.isNaN(HalfFloats.f16ToFloat(back)), "NaN 0x" + Integer.toHexString(i));
            } else {
                assertEquals(pattern, back, "round trip 0x" + Integer.toHexString(i));
            }
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, bf16(bits(0x3F808000)), "tie goes down to even 0x3F80");
        assertEquals((short) 0x3F82, bf16(bits(0x3F818000)), "tie goes up to even 0x3F82");
        assertEquals((short) 0x3F81, bf16(bits(0x3F808001)), "just above the tie goes up");
        assertEquals((short) 0x3F80, bf16(bits(0x3F807FFF)), "just below the tie goes down");
        assertEquals((short) 0xBF80, bf16(bits(0xBF808000)), "negative tie");
        assertEquals((short) 0x3F80, bf16(1.0f));
        assertEquals((short) 0xC040, bf16(-3.0f));
        assertEquals((short) 0x8000, bf16(-0.0f));
    }

    @Test
    void bf16KeepsInfinitiesAndNaNAndOverflowsToInfinity() {
        assertEquals((short) 0x7F80, bf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7F80, bf16(Float.MAX_VALUE), "rounds past the largest finite bf16");
        assertEquals((short) 0x7F7F, bf16(bits(0x7F7F7FFF)));
        assertEquals((short) 0x7FC0, bf16(Float.NaN));
        assertEquals((short) 0xFFC0, bf16(bits(0xFFC00000)));
        short signaling = bf16(bits(0x7F800001)); // payload only in the dropped bits: must not become infinity
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(signaling)));
        assertEquals((short) 0x7FC0, signaling);
    }

    @Test
    void f16ConvertsKnownValues() {
        assertEquals(1.0f, HalfFloats.f16ToFloat((short) 0x3C00));
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(5.9604645e-8f, HalfFloats.f16ToFloat((short) 0x0001));
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat((short) 0x0400));
        assertEquals(-2.0f, HalfFloats.f16ToFloat((short) 0xC000));
        assertEquals((short) 0x3C00, f16(1.0f));
        assertEquals((short) 0x7BFF, f16(65504f));
        assertEquals((short) 0x8000, f16(-0.0f));
        assertEquals((short) 0x7E00, f16(Float.NaN));
    }

    @Test
    void f16OverflowsToInfinity() {
        assertEquals((short) 0x7C00, f16(70000f));
        assertEquals((short) 0xFC00, f16(-70000f));
        assertEquals((short) 0x7C00, f16(65520f), "65520 is a tie between 65504 (odd) and infinity");
        assertEquals((short) 0x7BFF, f16(Math.nextDown(65520f)));
        assertEquals((short) 0x7C00, f16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0x7C00, f16(Float.MAX_VALUE));
    }

    @Test
    void f16UnderflowsToSubnormalsAndZero() {
        assertEquals((short) 0x0001, f16(0x1p-24f), "smallest subnormal");
        assertEquals((short) 0x8001, f16(-0x1p-24f));
        assertEquals((short) 0x0000, f16(0x1p-25f), "half the smallest subnormal ties to even zero");
        assertEquals((short) 0x0001, f16(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x0000, f16(0x1p-26f));
        assertEquals((short) 0x0000, f16(Float.MIN_VALUE));
        assertEquals((short) 0x8000, f16(-Float.MIN_VALUE));
        assertEquals((short) 0x0002, f16(1.5f * 0x1p-24f), "tie between 1 and 2 units goes to 2");
        assertEquals((short) 0x0002, f16(2.5f * 0x1p-24f), "tie between 2 and 3 units goes to 2");
        assertEquals((short) 0x03FF, f16(1023f * 0x1p-24f), "largest subnormal");
        assertEquals((short) 0x0400, f16(1023.5f * 0x1p-24f), "tie rounds up into the normal range");
    }

    @Test
    void f16RoundsToNearestEvenInTheNormalRange() {
        assertEquals((short) 0x3C00, f16(1f + 0x1p-11f), "tie goes down to even");
        assertEquals((short) 0x3C02, f16(1f + 3 * 0x1p-11f), "tie goes up to even");
        assertEquals((short) 0x3C01, f16(1f + 0x1p-11f + 0x1p-20f), "just above the tie goes up");
        assertEquals((short) 0x3C00, f16(1f + 0x1p-11f - 0x1p-20f), "just below the tie goes down");
    }

    @Test
    void randomFloatsRoundToTheNearestNeighbour() {
        SplittableRandom random = new SplittableRandom(42);
        for (int n = 0; n < 200_000; n++) {
            float value = Math.scalb((float) (1 + random.nextDouble()), random.nextInt(-26, 15));
            assertNearest(value, f16(value), true);
            assertNearest(value, bf16(value), false);
        }
    }

    private static void assertNearest(float value, short pattern, boolean isF16) {
        double here = distance(value, pattern, isF16);
        for (int step : new int[] {-1, 1}) {
            int neighbour = (pattern & 0xffff) + step;
            if (neighbour < 0 || neighbour > 0x7fff) {
                continue;
            }
            double there = distance(value, (short) neighbour, isF16);
            assertTrue(here < there || (here == there && (pattern & 1) == 0),
                    (isF16 ? "f16" : "bf16") + " of " + value + " is 0x" + Integer.toHexString(pattern & 0xffff));
        }
    }

    private static double distance(float value, short pattern, boolean isF16) {
        float decoded = isF16 ? HalfFloats.f16ToFloat(pattern) : HalfFloats.bf16ToFloat(pattern);
        return Math.abs((double) value - decoded);
    }
}
