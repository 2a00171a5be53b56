package com.picpeak.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
}
