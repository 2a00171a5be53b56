package com.picpeak.local;

import com.picpeak.catalog.Event;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** backup from one local-mode data folder, restore into another that shares the storage. */
class BackupCommandsTest {

    @Test
    void aBackup_restoresTheCatalogIntoAFreshDataFolder(@TempDir Path dir) throws Exception {
        Path storage = dir.resolve("storage");
        Map<String, String> original = Map.of("PICPEAK_DATA", dir.resolve("a").toString(),
                "STORAGE_LOCAL_ROOT", storage.toString(), "PORT", "0");
        try (LocalServer server = LocalServer.start(original)) {
            String token = Files.readString(dir.resolve("a").resolve(LocalServer.TOKEN_FILE)).trim();
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/api/admin/events"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"kept\",\"title\":\"Kept\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
        }

        StringWriter backupOut = new StringWriter();
        int backup = new PicPeakCli(original).execute(new String[] {"backup", "--dir", dir.resolve("bk").toString()},
                new PrintWriter(backupOut, true), new PrintWriter(new StringWriter(), true));
        Map<String, String> fresh = Map.of("PICPEAK_DATA", dir.resolve("b").toString(),
                "STORAGE_LOCAL_ROOT", storage.toString(), "PORT", "0");
        StringWriter restoreOut = new StringWriter();
        int restore = new PicPeakCli(fresh).execute(new String[] {"restore", "--dir", dir.resolve("bk").toString()},
                new PrintWriter(restoreOut, true), new PrintWriter(new StringWriter(), true));

        assertThat(backup).isZero();
        assertThat(backupOut.toString()).contains("1 events, 0 photos");
        assertThat(dir.resolve("bk/catalog.jsonl")).content().contains("\"slug\":\"kept\"");
        assertThat(restore).isZero();
        assertThat(restoreOut.toString()).contains("restored 1 events and 0 photos");
        try (LocalServer server = LocalServer.start(fresh)) {
            assertThat(server.runtime().catalog().findEvent("kept")).isPresent();
        }
    }

    @Test
    void aBackupWithAKeyIntoAnotherEventsFolder_isRefused_exit3_namingTheRow_andNothingIsRestored(@TempDir Path dir)
            throws Exception {
        // GIVEN a backup of two events whose last photo row was edited to point at the other event's file
        Path storage = dir.resolve("storage");
        Map<String, String> original = Map.of("PICPEAK_DATA", dir.resolve("a").toString(),
                "STORAGE_LOCAL_ROOT", storage.toString(), "PORT", "0");
        try (LocalServer server = LocalServer.start(original)) {
            for (String slug : List.of("party", "wedding")) {
                server.runtime().events().create(slug, new EventPatch(slug, null, null, false, null, null, null, null));
                server.runtime().imports().importStream(slug, slug + ".jpg", new ByteArrayInputStream(
                        TestImages.jpeg(TestImages.noisyHalves(120, 90, slug.length()))), PhotoSource.UPLOAD);
            }
        }
        int backup = new PicPeakCli(original).execute(new String[] {"backup", "--dir", dir.resolve("bk").toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        assertThat(backup).isZero();
        Path catalogFile = dir.resolve("bk/catalog.jsonl");
        List<String> lines = Files.readAllLines(catalogFile);
        assertThat(lines.get(3)).contains("\"key\":\"events/active/wedding/wedding.jpg\"");
        lines.set(3, lines.get(3).replace("events/active/wedding/wedding.jpg", "events/active/party/party.jpg"));
        Files.write(catalogFile, lines);
        List<String> storageBefore = files(storage);

        // WHEN it is restored into a fresh data folder
        Map<String, String> fresh = Map.of("PICPEAK_DATA", dir.resolve("b").toString(),
                "STORAGE_LOCAL_ROOT", storage.toString(), "PORT", "0");
        StringWriter restoreOut = new StringWriter();
        StringWriter restoreErr = new StringWriter();
        int restore = new PicPeakCli(fresh).execute(new String[] {"restore", "--dir", dir.resolve("bk").toString()},
                new PrintWriter(restoreOut, true), new PrintWriter(restoreErr, true));

        // THEN exit 3 with the row named, and neither an event nor an object was written
        assertThat(restore).as(restoreErr.toString()).isEqualTo(3);
        assertThat(restoreErr.toString()).startsWith("backup refused, nothing was restored (1 problem):")
                .contains("catalog.jsonl line 4: photo ").contains("of event 'wedding'")
                .contains("key 'events/active/party/party.jpg' is not 'events/active/wedding/wedding.jpg'")
                .doesNotContain("Exception");
        assertThat(restoreOut.toString()).isEmpty();
        assertThat(files(storage)).isEqualTo(storageBefore);
        try (LocalServer server = LocalServer.start(fresh);
             Stream<Event> events = server.runtime().catalog().allEvents()) {
            assertThat(events).isEmpty();
        }
    }

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(p -> root.relativize(p) + " " + p.toFile().length()).sorted()
                    .toList();
        }
    }
}
