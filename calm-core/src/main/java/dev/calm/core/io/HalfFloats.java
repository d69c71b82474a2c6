/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io;

/**
 * Exact bit-level conversions between binary32 and the 16-bit formats bfloat16 and binary16, done in Java so that
 * no engine call (DJL's {@code toType(BFLOAT16)} aborts the JVM) is needed. Narrowing conversions round to nearest,
 * ties to even; NaN stays NaN (made quiet, sign kept) and infinities stay infinite.
 */
public final class HalfFloats {

    private HalfFloats() {
    }

    /**
     * Widens a bfloat16 to a float. Exact.
     *
     * @param bits the bfloat16 bit pattern
     * @return the same value as a float
     */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /**
     * Narrows a float to bfloat16, rounding to nearest with ties to even. Values beyond the largest finite bfloat16
     * round to infinity, as in IEEE 754.
     *
     * @param value the float
     * @return the bfloat16 bit pattern
     */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /**
     * Widens an IEEE 754 binary16 to a float. Exact, including subnormals, infinities and NaN payloads.
     *
     * @param bits the binary16 bit pattern
     * @return the same value as a float
     */
    public static float f16ToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in binary32
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * Narrows a float to IEEE 754 binary16, rounding to nearest with ties to even. Magnitudes from 65520 up become
     * infinity; magnitudes below the normal range become subnormals or (signed) zero.
     *
     * @param value the float
     * @return the binary16 bit pattern
     */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude > 0x7f800000) {
            return (short) (sign | 0x7e00 | ((magnitude >>> 13) & 0x3ff));
        }
        if (magnitude >= 0x477ff000) { // 65520 = 65504 + half an ulp, a tie that rounds to the even infinity
            return (short) (sign | 0x7c00);
        }
        if (magnitude >= 0x38800000) { // at least 2^-14, the smallest normal binary16
            int rounded = magnitude + 0xfff + ((magnitude >>> 13) & 1);
            return (short) (sign | ((rounded >>> 13) - (112 << 10)));
        }
        int exponent = magnitude >>> 23;
        if (exponent < 102) { // below 2^-25, half the smallest subnormal
            return (short) sign;
        }
        // subnormal result in units of 2^-24: significand * 2^(exponent - 126), rounded to nearest even
        int significand = (magnitude & 0x7fffff) | 0x800000;
        int shift = 126 - exponent;
        int result = significand >>> shift;
        int remainder = significand & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (result & 1) != 0)) {
            result++;
        }
        return (short) (sign | result);
    }
}
