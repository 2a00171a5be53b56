package com.picpeak.autoimport;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.FileClaim;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import com.picpeak.metrics.Metrics;
import com.picpeak.storage.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Push import: applies one storage notification (S3 through EventBridge, MinIO's webhook, ...) to the catalog through
 * the one import path. A store only says "created" once the object is whole, so there is no two-poll gate: the file
 * is imported (or, over an imported photo's file, made its new version) at once, through
 * {@link ImportService#importOrReplaceStored} with its leased name claim, the generated-artifact skip
 * ({@link ImportCandidates}) and {@code photo.uploaded}.
 *
 * <p>Delivery is at least once and unordered. A replay of what was applied, or a notification whose S3 sequencer is
 * not later than the last one applied to that file ({@code PUSH#} rows of {@link AutoImportState}), is dropped; the
 * import itself is idempotent too (the name claim records the object's ETag: the same version again is a conflict,
 * never a second photo). A created object gone by the time its notification arrives is nothing to do.
 *
 * <p>An original deleted behind the catalog's back (not through the API) is <b>not</b> deleted from the catalog: it is
 * reported (a warning, the {@code PushOriginalsMissing} metric) and its row, thumbnail and name stay, so that
 * restoring the object (the bucket keeps versions) makes the photo whole again. Deleting a photo is the API's
 * ({@code DELETE /api/admin/events/{slug}/photos/{id}}: renditions, tombstone and {@code photo.deleted}). A file that
 * was never imported only loses the walker's sighting.
 */
public final class PushImporter {
    private static final Logger log = LoggerFactory.getLogger(PushImporter.class);

    /** What one notification came to. */
    public enum Outcome {
        /** imported, or an imported photo's new version */
        IMPORTED,
        /** this file's version is in the catalog already (a replay, a duplicate delivery, an import under way) */
        DUPLICATE,
        /** older than the last notification applied to the file (S3's sequencer), or overtaken by a newer object */
        STALE,
        /** not a photo drop: outside {@code events/active/}, another bucket, a sub-folder or dot-file, no such event */
        IGNORED,
        /** the object is not an image the import takes (reported once, left alone until it changes) */
        REJECTED,
        /** created, but gone again before it could be read */
        GONE,
        /** an imported photo's original was deleted behind the catalog's back: reported, the row kept */
        ORIGINAL_MISSING,
        /** a deletion of something that is not (or no longer) a photo of the catalog */
        NOTHING_TO_DO;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Catalog catalog;
    private final BlobStore store;
    private final ImportService imports;
    private final AutoImportState state;
    private final String keyPrefix;
    private final String bucket;
    private final Metrics metrics;

    /**
     * @param keyPrefix {@code STORAGE_S3_PREFIX} ("" for none): notifications name bucket keys, the store keys under it
     * @param bucket    the photo bucket (notifications of another bucket are ignored), or null to take any
     */
    public PushImporter(Catalog catalog, BlobStore store, ImportService imports, AutoImportState state, String keyPrefix,
                        String bucket, Metrics metrics) {
        this.catalog = catalog;
        this.store = store;
        this.imports = imports;
        this.state = state;
        this.keyPrefix = keyPrefix == null || keyPrefix.isEmpty() ? "" : keyPrefix + "/";
        this.bucket = bucket;
        this.metrics = metrics == null ? Metrics.NONE : metrics;
    }

    /** Where a notification's key lands: an event's file, or nothing. */
    record Target(String slug, String filename, String key) {
    }

    /**
     * Applies {@code notification}; the outcome is counted ({@code PushImports}, by outcome).
     *
     * @throws PicPeakException when storage or the catalog failed: the delivery should be retried
     */
    public Outcome apply(StorageNotification notification) {
        Outcome outcome = applyOnce(notification);
        metrics.count("PushImports", Map.of("Outcome", outcome.wireName()));
        return outcome;
    }

    private Outcome applyOnce(StorageNotification notification) {
        Target target = target(notification);
        if (target == null) {
            return Outcome.IGNORED;
        }
        Optional<AutoImportState.PushMark> last = state.pushMark(target.slug(), target.filename());
        String sequencer = notification.orderingKey();
        if (last.isPresent()) {
            Outcome seen = againstLast(notification, sequencer, last.get());
            if (seen != null) {
                return seen;
            }
        }
        Outcome outcome = notification.kind() == StorageNotification.Kind.CREATED ? created(target) : deleted(target);
        if (outcome != Outcome.DUPLICATE && outcome != Outcome.IGNORED) {
            state.recordPushMark(target.slug(), target.filename(), new AutoImportState.PushMark(sequencer,
                    notification.version(), notification.kind(), outcome.wireName()));
        }
        return outcome;
    }

    /** DUPLICATE or STALE when the last notification applied to the file makes this one nothing new, else null. */
    private static Outcome againstLast(StorageNotification notification, String sequencer, AutoImportState.PushMark last) {
        if (sequencer != null && last.sequencer() != null) {
            int order = sequencer.compareTo(last.sequencer());
            return order == 0 ? Outcome.DUPLICATE : order < 0 ? Outcome.STALE : null;
        }
        // a store without sequencers: a replay is the same change of the same version
        return last.kind() == notification.kind() && last.version().equals(notification.version())
                ? Outcome.DUPLICATE : null;
    }

    private Outcome created(Target target) {
        try {
            imports.importOrReplaceStored(target.slug(), target.key(), PhotoSource.S3_IMPORT);
            state.forget(target.slug(), target.filename()); // a sighting the walker made meanwhile
            return Outcome.IMPORTED;
        } catch (PicPeakException e) {
            ErrorCode code = e.errorCode();
            if (code == ErrorCode.CONFLICT) {
                return Outcome.DUPLICATE; // imported with this version, or an import of it under way
            }
            if (code == ErrorCode.NOT_FOUND || code == ErrorCode.EVENT_NOT_FOUND) {
                return Outcome.GONE;
            }
            if (ImportCandidates.isFinal(code)) {
                log.warn("push import leaves {}/{} alone until it changes: {}", target.slug(), target.filename(),
                        e.getMessage());
                return Outcome.REJECTED;
            }
            throw e;
        }
    }

    private Outcome deleted(Target target) {
        if (store.head(target.key()).isPresent()) {
            return Outcome.STALE; // a newer object took the key: its own notification imports it
        }
        state.forget(target.slug(), target.filename());
        Optional<FileClaim> claim = catalog.findFileClaim(target.slug(), target.filename());
        Optional<Photo> photo = claim.map(FileClaim::photoId).flatMap(id -> catalog.findPhoto(target.slug(), id));
        if (photo.isEmpty() || !photo.get().key().equals(target.key())) {
            return Outcome.NOTHING_TO_DO; // deleted through the API, never imported, or a referenced photo's name
        }
        log.warn("the original of photo {} of {} ({}) was deleted from storage, not through PicPeak: the photo stays "
                        + "in the catalog until it is deleted there; restore the object's previous version to make it "
                        + "whole", photo.get().id(), target.slug(), target.filename());
        metrics.count("PushOriginalsMissing", Map.of());
        return Outcome.ORIGINAL_MISSING;
    }

    /** The event file a notification is about, or null for what push import never touches. */
    Target target(StorageNotification notification) {
        if (bucket != null && notification.bucket() != null && !bucket.equals(notification.bucket())) {
            return null;
        }
        String key = notification.key();
        if (!key.startsWith(keyPrefix)) {
            return null;
        }
        String relative = key.substring(keyPrefix.length());
        String folder = "events/active/";
        if (!relative.startsWith(folder)) {
            return null;
        }
        int slugEnd = relative.indexOf('/', folder.length());
        if (slugEnd < 0) {
            return null;
        }
        String slug = relative.substring(folder.length(), slugEnd);
        String filename = ImportCandidates.filenameOf(slug, relative);
        if (filename == null) {
            return null;
        }
        try {
            Names.slug(slug);
            Names.filename(filename);
        } catch (PicPeakException notAName) {
            return null;
        }
        Optional<Event> event = catalog.findEvent(slug);
        if (event.isEmpty() || !event.get().active() || event.get().isArchived()) {
            return null; // events the walker would not poll either
        }
        return new Target(slug, filename, relative);
    }
}
