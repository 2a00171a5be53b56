package com.picpeak.app;

import com.picpeak.error.ErrorCode;
import com.picpeak.storage.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which body limit a request gets from its path and Content-Type, the variables that set them, and the spool. */
class RequestLimitsTest {
    static final RequestLimits LIMITS = RequestLimits.of(AppConfig.fromEnv(Map.of()));

    @Test
    void theDefaults_areAFewKbForGuests_aMibForAdminJson_andGibsForUploads() {
        assertThat(LIMITS).isEqualTo(new RequestLimits(1L << 30, 4L << 30, 4096, 1 << 20));

        assertThat(LIMITS.forRequest("/api/gallery/x/auth", "application/json").bytes()).isEqualTo(4096);
        assertThat(LIMITS.forRequest("/api/admin/events", "application/json").bytes()).isEqualTo(1 << 20);
        assertThat(LIMITS.forRequest("/api/admin/events", null).bytes()).isEqualTo(1 << 20);
        assertThat(LIMITS.forRequest("/api/admin/events/x/photos", "multipart/form-data; boundary=b").bytes())
                .isEqualTo(4L << 30);
        assertThat(LIMITS.forRequest("/api/admin/watermark", "image/png").code()).isEqualTo(ErrorCode.FILE_TOO_LARGE);
        assertThat(LIMITS.forRequest("/api/admin/watermark", "image/png").bytes()).isEqualTo(1L << 30);
    }

    @Test
    void aRefusal_namesTheLimit_itsVariable_andWhatToDo() {
        assertThat(LIMITS.forRequest("/api/gallery/x/auth", "application/json").refusal(314_572_800))
                .hasMessage("the body of a guest request may have at most 4096 bytes (PICPEAK_MAX_GUEST_BODY_BYTES), "
                        + "this one has 314572800 bytes: nothing was stored; guest routes take only a small JSON body")
                .satisfies(e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE));
        assertThat(LIMITS.uploadRequest().refusal(-1).getMessage()).contains("PICPEAK_MAX_UPLOAD_REQUEST_BYTES",
                "this one has more", "several requests");
    }

    @Test
    void adminPaths_areRecognisedHoweverTheyAreSpelled() {
        for (String admin : new String[] {"/api/admin", "/api/admin/", "/api/admin/events", "//api//admin/events",
                "/api/admin;jsessionid=1/events", "/api;x/admin/events", "/api/%61dmin/events", "/API/Admin/events",
                "/api/./admin/events", "/x/../api/admin/events", "/api/admin/../../api/admin/events",
                "/api%2Fadmin/events", "/api/admin%3B/events"}) {
            assertThat(RequestLimits.isAdminPath(admin)).as(admin).isTrue();
        }
        for (String guest : new String[] {"/", "", "/api", "/api/gallery/x/auth", "/admin", "/admin/events/x",
                "/api/administrator", "/gallery/admin", "/health"}) {
            assertThat(RequestLimits.isAdminPath(guest)).as(guest).isFalse();
        }
    }

    @Test
    void multipart_isTakenOnAdminRoutesOnly() {
        assertThat(RequestLimits.isMultipart("Multipart/Form-Data; boundary=x")).isTrue();
        assertThat(RequestLimits.isMultipart("application/json")).isFalse();
        assertThat(RequestLimits.multipartAllowed("/api/admin/events/x/photos")).isTrue();
        assertThat(RequestLimits.multipartAllowed("/api/gallery/x/auth")).isFalse();
    }

    @Test
    void badLimits_areReportedTogether_namingEachVariable() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("PICPEAK_MAX_UPLOAD_BYTES", "1000000",
                "PICPEAK_MAX_UPLOAD_REQUEST_BYTES", "999999", "PICPEAK_MAX_GUEST_BODY_BYTES", "lots",
                "PICPEAK_MAX_ADMIN_JSON_BYTES", "10")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigException.Problem::variable)
                        .containsExactly("PICPEAK_MAX_UPLOAD_REQUEST_BYTES", "PICPEAK_MAX_GUEST_BODY_BYTES",
                                "PICPEAK_MAX_ADMIN_JSON_BYTES"));
    }

    @Test
    void theRequestTotal_defaultsToAtLeastTheLargestPhoto() {
        AppConfig config = AppConfig.fromEnv(Map.of("PICPEAK_MAX_UPLOAD_BYTES", String.valueOf(8L << 30)));

        assertThat(config.maxUploadRequestBytes()).isEqualTo(8L << 30);
    }

    @Test
    void theSpool_isCreatedUnderTheDataFolder_andEmptiedOfWhatARunLeft(@TempDir Path dataDir) throws Exception {
        Path spool = Files.createDirectories(dataDir.resolve("upload-spool/nested"));
        Files.write(spool.resolve("upload_1.tmp"), new byte[4096]);
        Files.write(dataDir.resolve("upload-spool/upload_2.tmp"), new byte[10]);

        assertThat(UploadSpool.prepare(dataDir)).isEqualTo(dataDir.resolve("upload-spool")).isEmptyDirectory();
        assertThat(UploadSpool.prepare(dataDir.resolve("fresh"))).isEmptyDirectory();
    }
}
