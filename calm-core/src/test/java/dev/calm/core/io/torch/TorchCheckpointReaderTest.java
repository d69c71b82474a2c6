/*
 * Copyright 2026 The CALM for Java Authors. Licensed under the Apache License, Version 2.0.
 */
package dev.calm.core.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.calm.core.Backend;
import dev.calm.core.CalmException;
import dev.calm.core.OfficialFixtures;
import dev.calm.core.io.CheckpointReader;
import dev.calm.core.io.Checkpoints;
import dev.calm.core.io.DType;
import dev.calm.core.io.SafeTensorsReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pytorch_model.bin} files written by the real {@code torch.save} (PyTorch 1.13, fixture script): every
 * tensor comes out byte for byte as the same tensor made contiguous and written to safetensors by the script,
 * whatever its storage offset, strides and dtype; and each malformed file fails with one named error.
 */
class TorchCheckpointReaderTest {

    @Test
    void viewsWithOffsetsAndStridesAreRebuiltExactly() {
        try (CheckpointReader bin = Checkpoints.open(OfficialFixtures.path("torch/views.bin"));
                SafeTensorsReader expected = SafeTensorsReader.open(OfficialFixtures.path("torch/views.safetensors"))) {
            assertTrue(bin instanceof TorchCheckpointReader);
            assertEquals(List.copyOf(expected.names()), List.copyOf(bin.names()));
            for (String name : expected.names()) {
                assertEquals(expected.spec(name), bin.spec(name), name);
                assertEquals(expected.readBytes(name), bin.readBytes(name), name);
            }
            assertEquals(DType.BF16, bin.spec("bfloat16").dtype());
            assertEquals(DType.F16, bin.spec("half").dtype());
            assertEquals(DType.I64, bin.spec("long").dtype());
            assertArrayEquals(new long[0], bin.spec("scalar").shape());
            TorchCheckpointReader torch = (TorchCheckpointReader) bin;
            assertTrue(torch.sameView("shared_a", "shared_b"));
            assertFalse(torch.sameView("shared_a", "transposed"));
        }
    }

    @Test
    void tensorsAreWidenedToFloat32Arrays() {
        try (NDManager manager = Backend.newManager(dev.calm.core.Device.cpu());
                CheckpointReader bin = Checkpoints.open(OfficialFixtures.path("torch/views.bin"));
                SafeTensorsReader expected = SafeTensorsReader.open(OfficialFixtures.path("torch/views.safetensors"))) {
            for (String name : List.of("transposed", "slice", "half", "bfloat16", "long", "scalar")) {
                NDArray actual = bin.read(name, manager);
                NDArray wanted = expected.read(name, manager);
                assertEquals(wanted.getDataType(), actual.getDataType());
                assertEquals(wanted.getShape(), actual.getShape());
                assertTrue(wanted.contentEquals(actual), name);
            }
        }
    }

    @Test
    void aParameterSavedAsSuchIsATensor() {
        try (CheckpointReader bin = Checkpoints.open(OfficialFixtures.path("torch/parameter.bin"));
                SafeTensorsReader expected = SafeTensorsReader.open(OfficialFixtures.path("torch/parameter.safetensors"))) {
            assertEquals(expected.readBytes("weight"), bin.readBytes("weight"));
        }
    }

    @Test
    void anUnknownGlobalIsRefusedAndNeverRun() {
        Path file = OfficialFixtures.path("torch/refused-global.bin");
        CalmException e = assertThrows(CalmException.class, () -> TorchCheckpointReader.open(file));
        assertTrue(e.getMessage().startsWith(file + ": data.pkl: refused global 'posix.system'"), e.getMessage());
    }

    @Test
    void otherThanAFlatStateDictIsNamed() {
        Path nested = OfficialFixtures.path("torch/nested.bin");
        assertMessage(nested, "data.pkl is not a flat state dict: entry 'model' is");
        Path legacy = OfficialFixtures.path("torch/legacy.bin");
        assertMessage(legacy, "a legacy torch.save file");
        Path safetensors = OfficialFixtures.path("torch/views.safetensors");
        CalmException e = assertThrows(CalmException.class, () -> TorchCheckpointReader.open(safetensors));
        assertTrue(e.getMessage().startsWith(safetensors + ": not a PyTorch checkpoint"), e.getMessage());
    }

    @Test
    void aTruncatedArchiveIsNamed(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(OfficialFixtures.path("torch/views.bin"));
        for (int length : new int[] {0, 3, 100, bytes.length / 2, bytes.length - 30, bytes.length - 1}) {
            Path cut = Files.write(dir.resolve("cut-" + length + ".bin"), Arrays.copyOf(bytes, length));
            CalmException e = assertThrows(CalmException.class, () -> TorchCheckpointReader.open(cut).close(),
                    "length " + length);
            assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        }
    }

    @Test
    void wrongOpcodesUnknownStoragesAndShortStoragesAreNamed(@TempDir Path dir) throws IOException {
        Path views = OfficialFixtures.path("torch/views.bin");
        assertMessage(TorchArchives.patchPickle(views, dir.resolve("inst.bin"), "X\n\u0000\u0000\u0000transposed",
                "i\n\u0000\u0000\u0000transposed"), "unsupported pickle opcode 0x69 ('i')");
        assertMessage(TorchArchives.patchPickle(views, dir.resolve("double.bin"), "torch\nFloatStorage\n",
                "torch\nDoubleStorage\n"), "unsupported storage type torch.DoubleStorage");
        // storage '0' of 'transposed' declares 30 elements; 20 are fewer than its view reaches
        assertMessage(TorchArchives.patchPickle(views, dir.resolve("short.bin"), "cpu\u0071\u0007K\u001e",
                "cpu\u0071\u0007K\u0014"), "tensor 'transposed': its view (offset 0, size [5, 6], stride [1, 5]) "
                + "reaches element 29 of a storage of 20 elements: the storage is shorter than the view");
        // ... and 40 are more than the 120 bytes of its record
        assertMessage(TorchArchives.patchPickle(views, dir.resolve("long.bin"), "cpu\u0071\u0007K\u001e",
                "cpu\u0071\u0007K\u0028"), "storage data/0 declares 40 elements of F32 (160 bytes) but its record "
                + "holds 120 bytes");
        Path noStop = TorchArchives.rewrite(views, dir.resolve("nostop.bin"), pickle -> Arrays.copyOf(pickle,
                pickle.length - 1));
        assertMessage(noStop, "the pickle ends without a STOP opcode");
        Path missing = TorchArchives.dropRecord(views, dir.resolve("missing.bin"), "views/data/3");
        assertMessage(missing, "its storage record data/3 is missing");
    }

    private static void assertMessage(Path file, String part) {
        CalmException e = assertThrows(CalmException.class, () -> {
            try (CheckpointReader r = Checkpoints.openFile(file)) {
                r.names().forEach(r::readBytes);
            }
        });
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(part), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void readBytesIsAFreshLittleEndianBufferPerCall() {
        try (CheckpointReader bin = Checkpoints.open(OfficialFixtures.path("torch/views.bin"))) {
            ByteBuffer a = bin.readBytes("slice");
            ByteBuffer b = bin.readBytes("slice");
            assertEquals(a, b);
            assertEquals(0, a.position());
            assertEquals(12 * 4, a.remaining());
        }
    }
}
