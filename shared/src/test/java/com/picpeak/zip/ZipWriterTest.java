package com.picpeak.zip;

import com.picpeak.error.PicPeakException;
import com.picpeak.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one-pass STORED zip, read back by Java and by the tools people use (unzip, zipinfo, bsdtar). */
class ZipWriterTest {
    static final Instant TAKEN = Instant.parse("2026-06-20T14:30:00Z");

    @TempDir
    Path dir;

    @Test
    void duplicateAndNonAsciiNames_areAllThere_andTheLengthWasKnownUpFront() throws Exception {
        Map<String, byte[]> contents = new HashMap<>();
        List<ZipItem> items = new ArrayList<>();
        add(items, contents, "IMG_0001.JPG", "events/active/e/IMG_0001.JPG", TestData.bytes(5000, 1));
        add(items, contents, "IMG_0001.JPG", "events/active/e/other/IMG_0001.JPG", TestData.bytes(7000, 2));
        add(items, contents, "img_0001.jpg", "events/active/e/lower.jpg", TestData.bytes(10, 3));
        add(items, contents, "Hochzeit_Überraschung_😀.jpg", "events/active/e/u.jpg", TestData.bytes(3000, 4));
        add(items, contents, "empty.jpg", "events/active/e/empty.jpg", new byte[0]);
        ZipPlan plan = ZipPlan.of(items);

        Path zip = write(plan, contents);

        assertThat(Files.size(zip)).isEqualTo(plan.length());
        assertThat(plan.zip64()).isFalse();
        try (ZipFile file = new ZipFile(zip.toFile(), StandardCharsets.UTF_8)) {
            List<String> names = Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
            assertThat(names).containsExactly("IMG_0001.JPG", "IMG_0001 (2).JPG", "img_0001 (3).jpg",
                    "Hochzeit_Überraschung_😀.jpg", "empty.jpg");
            assertThat(read(file, "IMG_0001 (2).JPG")).isEqualTo(contents.get("events/active/e/other/IMG_0001.JPG"));
            assertThat(read(file, "Hochzeit_Überraschung_😀.jpg")).isEqualTo(contents.get("events/active/e/u.jpg"));
            ZipEntry first = file.getEntry("IMG_0001.JPG");
            assertThat(first.getMethod()).isEqualTo(ZipEntry.STORED);
            assertThat(first.getTimeLocal()).isEqualTo(LocalDateTime.of(2026, 6, 20, 14, 30));
        }
        assertThat(run("unzip", "-t", zip.toString())).contains("No errors detected");
        assertThat(run("zipinfo", zip.toString())).contains("5 files").contains("Hochzeit_Überraschung_😀.jpg");
        assertThat(run("bsdtar", "-tf", zip.toString()).lines().toList()).containsExactly("IMG_0001.JPG",
                "IMG_0001 (2).JPG", "img_0001 (3).jpg", "Hochzeit_Überraschung_😀.jpg", "empty.jpg");
    }

    @Test
    void namesWindowsRefusesOrThatMislead_areMadeSafe_keepingTheirLength_andNormalNamesAsTheyAre() throws Exception {
        Map<String, byte[]> contents = new HashMap<>();
        List<ZipItem> items = new ArrayList<>();
        List<String> wanted = List.of("CON.jpg", "nul.txt.jpg", "Com1.JPG", "LPT9", "aux .jpg", "C:evil.jpg",
                "a<b>c:d\"e|f?g*h.jpg", "invoice\u202Egpj.exe", "x\u2066y\u200Fz.jpg", "dots.jpg.", "a?.jpg", "a_.jpg",
                "IMG_0001.JPG", "CONSOLE.jpg", "Hochzeit_Überraschung_😀.jpg");
        for (int i = 0; i < wanted.size(); i++) {
            add(items, contents, wanted.get(i), "events/active/e/" + i, TestData.bytes(100 + i, i));
        }
        ZipPlan plan = ZipPlan.of(items);

        Path zip = write(plan, contents);

        List<String> safe = List.of("CO_.jpg", "nu_.txt.jpg", "Com_.JPG", "LPT_", "au_ .jpg", "C_evil.jpg",
                "a_b_c_d_e_f_g_h.jpg", "invoice___gpj.exe", "x___y___z.jpg", "dots.jpg_", "a_.jpg", "a_ (2).jpg",
                "IMG_0001.JPG", "CONSOLE.jpg", "Hochzeit_Überraschung_😀.jpg");
        try (ZipFile file = new ZipFile(zip.toFile(), StandardCharsets.UTF_8)) {
            assertThat(Collections.list(file.entries()).stream().map(ZipEntry::getName).toList()).isEqualTo(safe);
            assertThat(read(file, "invoice___gpj.exe")).isEqualTo(contents.get("events/active/e/7"));
        }
        // a name keeps its length in bytes, so the offsets (and archives written before) stay as they were
        for (int i = 0; i < wanted.size(); i++) {
            if (!wanted.get(i).equals("a_.jpg")) {
                assertThat(plan.entries().get(i).name()).as(wanted.get(i))
                        .hasSameSizeAs(wanted.get(i).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(plan.entries().get(12).name()).isEqualTo("IMG_0001.JPG".getBytes(StandardCharsets.UTF_8));
        assertThat(run("unzip", "-t", zip.toString())).contains("No errors detected");
        assertThat(run("bsdtar", "-tf", zip.toString()).lines().toList()).isEqualTo(safe);
    }

    @Test
    void moreThan65535Entries_useZip64_andStillOpenEverywhere() throws Exception {
        List<ZipItem> items = new ArrayList<>();
        byte[] one = {42};
        long crc = TestData.crc32(one);
        for (int i = 0; i < 70_000; i++) {
            items.add(new ZipItem(String.format("p%05d.jpg", i), "k", 1, crc, TAKEN));
        }
        ZipPlan plan = ZipPlan.of(items);
        Path zip = dir.resolve("many.zip");

        try (OutputStream out = Files.newOutputStream(zip)) {
            ZipWriter.write(plan, item -> new ByteArrayInputStream(one), out);
        }

        assertThat(plan.zip64()).isTrue();
        assertThat(Files.size(zip)).isEqualTo(plan.length());
        try (ZipFile file = new ZipFile(zip.toFile())) {
            assertThat(file.size()).isEqualTo(70_000);
            assertThat(read(file, "p69999.jpg")).containsExactly(42);
        }
        assertThat(run("unzip", "-t", zip.toString())).contains("No errors detected");
        assertThat(run("zipinfo", "-t", zip.toString())).contains("70000 files");
        assertThat(run("bsdtar", "-tf", zip.toString()).lines().count()).isEqualTo(70_000);
    }

    @Test
    void aPhotoThatChangedOrVanished_failsTheArchiveNamingItsKey() {
        byte[] bytes = TestData.bytes(100, 5);
        ZipPlan changed = ZipPlan.of(List.of(new ZipItem("a.jpg", "events/active/e/a.jpg", 100, TestData.crc32(bytes) + 1, TAKEN)));
        ZipPlan shorter = ZipPlan.of(List.of(new ZipItem("a.jpg", "events/active/e/a.jpg", 200, TestData.crc32(bytes), TAKEN)));

        assertThatThrownBy(() -> ZipWriter.write(changed, item -> new ByteArrayInputStream(bytes), OutputStream.nullOutputStream()))
                .isInstanceOf(PicPeakException.class).hasMessageContaining("'events/active/e/a.jpg' has CRC-32");
        assertThatThrownBy(() -> ZipWriter.write(shorter, item -> new ByteArrayInputStream(bytes), OutputStream.nullOutputStream()))
                .isInstanceOf(PicPeakException.class).hasMessageContaining("has 100 bytes, the catalog says 200");
    }

    @Test
    void aFiveGigabyteEntry_getsZip64SizesInItsHeaders() {
        long size = 5L * 1024 * 1024 * 1024;
        ZipPlan plan = ZipPlan.of(List.of(new ZipItem("video.jpg", "k", size, 1, TAKEN),
                new ZipItem("after.jpg", "k2", 10, 2, TAKEN)));

        ZipPlan.Entry big = plan.entries().get(0);
        ZipPlan.Entry after = plan.entries().get(1);
        assertThat(plan.zip64()).isTrue();
        assertThat(big.localHeaderLength()).isEqualTo(30 + 9 + 20);
        assertThat(after.localHeaderOffset()).isEqualTo(big.localHeaderLength() + size);
        assertThat(after.centralHeaderLength()).isEqualTo(46 + 9 + 4 + 8); // its offset is past 4 GiB
        assertThat(plan.length()).isEqualTo(after.dataOffset() + 10 + big.centralHeaderLength()
                + after.centralHeaderLength() + 56 + 20 + 22);
    }

    private void add(List<ZipItem> items, Map<String, byte[]> contents, String name, String key, byte[] bytes) {
        contents.put(key, bytes);
        items.add(new ZipItem(name, key, bytes.length, TestData.crc32(bytes), TAKEN));
    }

    private Path write(ZipPlan plan, Map<String, byte[]> contents) throws IOException {
        Path zip = dir.resolve("archive.zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            ZipWriter.write(plan, item -> new ByteArrayInputStream(contents.get(item.storageKey())), out);
        }
        return zip;
    }

    private static byte[] read(ZipFile file, String name) throws IOException {
        try (InputStream in = file.getInputStream(file.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    /** Runs a tool the test command installs (unzip, zipinfo, bsdtar) and returns what it printed. */
    static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }
}
