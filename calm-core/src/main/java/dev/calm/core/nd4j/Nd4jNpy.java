/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.nd4j;

import dev.calm.core.CalmException;
import dev.calm.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy {@code .npy} files through ND4J's numpy codec ({@code Nd4j.toNpyByteArray}, {@code
 * Nd4j.createNpyFromByteArray}): what a Deeplearning4j program reads with {@code Nd4j.createFromNpyFile} and
 * Python with {@code numpy.load}.
 *
 * <p>Writes are atomic ({@link AtomicFiles}) and lay a view (a transpose, a slice, an {@code 'f'}-ordered array) out
 * in C order first: ND4J 1.0.0-M2.1's writer copies the raw buffer, so on its own it writes a transpose untransposed
 * and a row as the buffer's first elements ({@code Nd4jNpyTest} checks both). Reads check the file in Java before ND4J's native parser sees it
 * (magic, header, a float32, float64 or int64 little-endian C-order array, and exactly the bytes its shape needs),
 * so a damaged or foreign file gets a one-line {@link CalmException} rather than a native crash.
 */
public final class Nd4jNpy {

    /** NumPy's type strings of the data types ND4J interop supports. */
    private static final Map<String, DataType> TYPES = Map.of("<f4", DataType.FLOAT, "<f8", DataType.DOUBLE,
            "<i8", DataType.INT64);
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([0-9,\\s]*)\\)");

    private Nd4jNpy() {}

    /**
     * Writes an array as a {@code .npy} file, atomically.
     *
     * @param file the target; replaced if it exists; its directory must exist
     * @param array a float32, float64 or int64 array
     * @throws CalmException if the data type is another, or the file cannot be written (the target is then unchanged)
     */
    public static void write(Path file, INDArray array) {
        Nd4jArrays.djlType(array.dataType()); // refuses the types the reader would refuse
        byte[] npy = Nd4j.toNpyByteArray(Nd4jArrays.cBlock(array)); // ND4J writes the raw buffer, views unordered
        AtomicFiles.write(file, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(npy)));
    }

    /**
     * Reads a {@code .npy} file written by {@link #write}, numpy or any other writer.
     *
     * @param file a float32, float64 or int64 {@code .npy} file in C order (format version 1, 2 or 3)
     * @return a new ND4J array of the file's shape and data type
     * @throws CalmException naming the file and the problem: missing, unreadable, not a {@code .npy} file, another
     *     data type, Fortran order, or a size that does not match its shape
     */
    public static INDArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CalmException(file + ": no such file", e);
        } catch (IOException | OutOfMemoryError e) {
            throw new CalmException(file + ": cannot read: " + e.getMessage(), e);
        }
        Header header = Header.parse(file, bytes);
        INDArray array = Nd4j.createNpyFromByteArray(bytes);
        if (array.dataType() != header.type() || !Arrays.equals(array.shape(), header.shape())) {
            throw new CalmException(file + ": ND4J read " + array.dataType() + " " + Arrays.toString(array.shape())
                    + " where the header says " + header.type() + " " + Arrays.toString(header.shape()));
        }
        return array;
    }

    /** The checked header of a {@code .npy} file. */
    private record Header(DataType type, long[] shape) {

        static Header parse(Path file, byte[] bytes) {
            if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
                throw new CalmException(file + ": not a .npy file (it does not start with \\x93NUMPY)");
            }
            int major = bytes[6];
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long length;
            int start;
            if (major == 1) {
                length = Short.toUnsignedInt(buffer.getShort(8));
                start = 10;
            } else if (major == 2 || major == 3) {
                if (bytes.length < 12) {
                    throw new CalmException(file + ": truncated .npy header");
                }
                length = Integer.toUnsignedLong(buffer.getInt(8));
                start = 12;
            } else {
                throw new CalmException(file + ": .npy format version " + major + " is not supported (1, 2 or 3)");
            }
            if (start + length > bytes.length) {
                throw new CalmException(file + ": truncated .npy header (" + length + " bytes announced, "
                        + (bytes.length - start) + " present)");
            }
            String dict = new String(bytes, start, (int) length, StandardCharsets.ISO_8859_1);
            String descr = field(file, DESCR, dict, "descr");
            DataType type = TYPES.get(descr);
            if (type == null) {
                throw new CalmException(file + ": .npy dtype '" + descr + "' is not supported (float32 '<f4', "
                        + "float64 '<f8' or int64 '<i8')");
            }
            if (field(file, FORTRAN, dict, "fortran_order").equals("True")) {
                throw new CalmException(file + ": a Fortran-order .npy file is not supported (write it in C order)");
            }
            long[] shape;
            long expected;
            try {
                shape = Arrays.stream(field(file, SHAPE, dict, "shape").split(",")).map(String::strip)
                        .filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
                expected = type.width();
                for (long d : shape) {
                    expected = Math.multiplyExact(expected, d);
                }
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CalmException(file + ": the .npy shape in " + oneLine(dict) + " is too large", e);
            }
            long present = bytes.length - start - length;
            if (present != expected) {
                throw new CalmException(file + ": shape " + Arrays.toString(shape) + " of " + descr + " needs "
                        + expected + " bytes of data, the file holds " + present);
            }
            return new Header(type, shape);
        }

        private static String oneLine(String dict) {
            String line = dict.strip().replaceAll("\\s+", " ");
            return line.length() <= 120 ? line : line.substring(0, 120) + "...";
        }

        private static String field(Path file, Pattern pattern, String dict, String name) {
            Matcher m = pattern.matcher(dict);
            if (!m.find()) {
                throw new CalmException(file + ": the .npy header has no readable '" + name + "': " + oneLine(dict));
            }
            return m.group(1);
        }
    }
}
