package com.picpeak.local;

import com.picpeak.protect.ImageAccess;
import com.picpeak.protect.FingerprintedDelivery;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.catalog.Protection;
import com.picpeak.gallery.EventPatch;
import com.picpeak.gallery.GalleryService;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fingerprint}: a leaked file, or its id, leads to the session that received it. */
class FingerprintCommandTest {

    @Test
    void aLeakedFile_andItsId_nameTheSession_aFileWithoutOne_exits1(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("PICPEAK_DATA", dir.resolve("data").toString(), "PORT", "0");
        Path leaked = dir.resolve("leaked.jpg");
        String sessionId;
        try (LocalServer server = LocalServer.start(env)) {
            var runtime = server.runtime();
            runtime.events().create("studio", new EventPatch("Studio", null, null, false, null, null, null, null,
                    new EventPatch.ProtectionPatch(Protection.Level.ENHANCED, null, null, null, null, null)));
            Photo photo = runtime.imports().importStream("studio", "IMG_1.jpg",
                    new ByteArrayInputStream(TestImages.jpeg(TestImages.noisyHalves(320, 240, 3))), PhotoSource.UPLOAD);
            var session = runtime.gallery().signIn("studio", null, "127.0.0.1");
            GalleryService.GuestAccess access = runtime.gallery().access("studio", session.token());
            sessionId = session.sessionId();
            ImageAccess.Client client = new ImageAccess.Client("192.0.2.1", "curl");
            FingerprintedDelivery.Served served = runtime.protection().download(access, photo, client,
                    runtime.protection().grant(access, photo, ImageAccess.Purpose.DOWNLOAD, client).token());
            try (InputStream in = runtime.protection().delivery().open(served).stream()) {
                Files.write(leaked, in.readAllBytes());
            }
        }

        Run byFile = run(env, leaked.toString());
        String id = FingerprintedDelivery.readFingerprint(Files.newInputStream(leaked)).orElseThrow();
        Run byId = run(env, id);
        Path plain = Files.write(dir.resolve("plain.jpg"), TestImages.jpeg(TestImages.noisyHalves(50, 50, 4)));
        Run none = run(env, plain.toString());

        assertThat(byFile.exit).as(byFile.err).isZero();
        assertThat(byFile.out).contains("fingerprint     " + id).contains("event           studio")
                .contains("session         " + sessionId).contains("(download)").contains("serves          1");
        assertThat(byId.exit).isZero();
        assertThat(byId.out).isEqualTo(byFile.out);
        assertThat(none.exit).isEqualTo(1);
        assertThat(none.err).contains("carries no PicPeak fingerprint");
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(Map<String, String> env, String target) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new PicPeakCli(env).execute(new String[] {"fingerprint", target}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }
}
