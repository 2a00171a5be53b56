package com.picpeak.local;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.app.SharedCatalog;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.gallery.EventPatch;
import com.picpeak.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A retried import after a catalog outage takes back its own name (issue 32, item 8). Local mode on a shared catalog
 * (DynamoDB Local as a server, its tables on disk); the catalog server is killed in the middle of an import, right
 * after the original was stored: the import fails and cannot release its name's claim, and its original stays. Once
 * the catalog is back, the same bytes uploaded again are stored under the same name (not {@code p0030-1.jpg}), and
 * no copy is left behind.
 */
class CatalogOutageRetryImportTest {
    static final String TOKEN = "catalog-outage-admin-token-0123456789";

    volatile DynamoDbLocalServer catalogServer;

    /** Stops the catalog server at the first look at the time after the armed file appeared in storage. */
    final class KillingClock extends Clock {
        volatile Path armedFor;
        final AtomicBoolean killed = new AtomicBoolean();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Path file = armedFor;
            if (file != null && Files.exists(file) && killed.compareAndSet(false, true)) {
                catalogServer.close();
            }
            return Instant.now();
        }
    }

    @Test
    void theSameBytesRetriedAfterTheCatalogWasKilled_takeBackTheirName_andLeaveNoCopy(@TempDir Path dataDir,
                                                                                       @TempDir Path dbDir) throws Exception {
        int port = DynamoDbLocalServer.freePort();
        catalogServer = DynamoDbLocalServer.onDisk(dbDir, port);
        Map<String, String> env = new HashMap<>();
        env.put("PICPEAK_DATA", dataDir.toString());
        env.put("CATALOG_TABLE", "picpeak_outage");
        env.put(SharedCatalog.ENDPOINT, catalogServer.endpoint().toString());
        env.put(SharedCatalog.REGION, "us-east-1");
        env.put(SharedCatalog.ACCESS_KEY_ID, "outage");
        env.put(SharedCatalog.SECRET_ACCESS_KEY, "outage");
        KillingClock clock = new KillingClock();
        DynamoDbClient client = SharedCatalog.open(env, "picpeak_outage");
        try (PicPeakRuntime runtime = PicPeakRuntime.start(PicPeakRuntime.Shape.LOCAL, env, client, TOKEN, null, clock)) {
            runtime.events().create("upload", new EventPatch("Upload", null, null, false, null, null, null, null));
            byte[] photo = TestImages.jpeg(TestImages.noisyHalves(400, 300, 30));
            Path folder = dataDir.resolve("storage/events/active/upload");

            clock.armedFor = folder.resolve("p0030.jpg");
            assertThatThrownBy(() -> runtime.imports().importStream("upload", "p0030.jpg",
                    new ByteArrayInputStream(photo), PhotoSource.UPLOAD)).as("the catalog went away mid-import")
                    .isNotNull();
            assertThat(clock.killed).isTrue();
            clock.armedFor = null;
            catalogServer = DynamoDbLocalServer.onDisk(dbDir, port); // back, with what it held
            assertThat(runtime.catalog().findFileClaim("upload", "p0030.jpg")).as("the claim could not be released")
                    .hasValueSatisfying(claim -> assertThat(claim.photoId()).isNull());

            String stored = runtime.imports().importStream("upload", "p0030.jpg", new ByteArrayInputStream(photo),
                    PhotoSource.UPLOAD).filename();

            assertThat(stored).isEqualTo("p0030.jpg");
            assertThat(runtime.catalog().photosOf("upload")).extracting(p -> p.filename()).containsExactly("p0030.jpg");
            assertThat(files(folder)).as("no copy under another name").containsExactly("p0030.jpg");
            assertThat(Files.readAllBytes(folder.resolve("p0030.jpg"))).isEqualTo(photo);
        } finally {
            client.close();
            catalogServer.close();
        }
    }

    private static List<String> files(Path folder) {
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
