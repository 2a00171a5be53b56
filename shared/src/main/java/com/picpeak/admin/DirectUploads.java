package com.picpeak.admin;

import com.picpeak.catalog.Catalog;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventService;
import com.picpeak.ingest.ImportService;
import com.picpeak.jobs.Deadline;
import com.picpeak.jobs.Job;
import com.picpeak.jobs.JobJson;
import com.picpeak.jobs.JobKind;
import com.picpeak.jobs.JobStep;
import com.picpeak.jobs.JobStore;
import com.picpeak.jobs.Jobs;
import com.picpeak.jobs.Progress;
import com.picpeak.jobs.StepResult;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Uploads that bypass the API (S3 only): the client PUTs the file to a presigned URL, then asks for it to be
 * imported, through the same {@link ImportService} as every other upload. The import is a job
 * ({@link JobKind#DIRECT_UPLOAD_IMPORT}): a file of hundreds of MB takes longer to read, hash and store than a
 * synchronous function may run (API Gateway waits 30 s), so the request answers 202 at once and the worker imports.
 */
public final class DirectUploads {
    public static final Duration VALIDITY = Duration.ofMinutes(15);
    private static final Logger log = LoggerFactory.getLogger(DirectUploads.class);
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+");

    private final EventService events;
    private final ImportService imports;
    private final Catalog catalog;
    private final BlobStore store;
    private final Jobs jobs;
    private final Clock clock;

    /** What the client needs for step 1: where to PUT the bytes, with which Content-Type, until when. */
    public record Ticket(String uploadId, String filename, String contentType, URI url, Instant expiresAt) {
    }

    /** The import job's parameters: the event, the upload (also the photo's id) and the file's name. */
    public record Target(String slug, String uploadId, String filename) {
    }

    public DirectUploads(EventService events, ImportService imports, Catalog catalog, BlobStore store, Jobs jobs,
                         Clock clock) {
        this.events = events;
        this.imports = imports;
        this.catalog = catalog;
        this.store = store;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Step 1: a presigned PUT for one file of the event, valid {@link #VALIDITY}. */
    public Ticket start(String slug, String filename, String contentType) {
        events.get(slug);
        String checkedName = Names.filename(filename);
        String type = contentType == null ? DEFAULT_CONTENT_TYPE : contentType;
        if (!MEDIA_TYPE.matcher(type).matches()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"contentType\" '" + type + "' is not a media type");
        }
        Instant now = clock.instant();
        String uploadId = PhotoIds.next(now);
        URI url = store.presignPut(Keys.directUpload(slug, uploadId), VALIDITY, type);
        return new Ticket(uploadId, checkedName, type, url, now.plus(VALIDITY));
    }

    /**
     * Step 2: submits the import of the bytes the client PUT (a job; asked again, the same job); 404 until they are
     * there.
     */
    public JobStore.Submission complete(String slug, String uploadId, String filename) {
        if (!Names.isPhotoId(uploadId)) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "no upload '" + uploadId + "'");
        }
        String checkedSlug = Names.slug(slug);
        String checkedName = Names.filename(filename);
        events.get(checkedSlug);
        String target = checkedSlug + "/" + uploadId;
        Optional<Job> running = jobs.holder(JobKind.DIRECT_UPLOAD_IMPORT, target);
        if (running.isEmpty() && store.head(Keys.directUpload(checkedSlug, uploadId)).isEmpty()) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "upload '" + uploadId + "' has no bytes yet: PUT the file "
                    + "to the presigned URL first (it is valid for 15 minutes)");
        }
        return jobs.submit(JobKind.DIRECT_UPLOAD_IMPORT, target, new Target(checkedSlug, uploadId, checkedName));
    }

    /** The import job: one step, the whole file through {@link ImportService#importStaged}. */
    public JobStep importStep() {
        return JobStep.of(this::importOnce, this::abandon);
    }

    private StepResult importOnce(Job job, Deadline deadline) {
        Target upload = JobJson.read(job.params(), Target.class);
        // the photo takes the upload's id: an import interrupted after its catalog row is found, not made twice
        Photo photo = catalog.findPhoto(upload.slug(), upload.uploadId()).orElse(null);
        String stagingKey = Keys.directUpload(upload.slug(), upload.uploadId());
        if (photo == null) {
            if (store.head(stagingKey).isEmpty()) {
                throw new PicPeakException(ErrorCode.NOT_FOUND, "upload '" + upload.uploadId() + "' has no bytes: "
                        + "its presigned PUT expired or the file was removed; upload it again");
            }
            try {
                photo = imports.importStaged(upload.slug(), stagingKey, upload.filename(), PhotoSource.UPLOAD,
                        upload.uploadId());
            } catch (PicPeakException e) {
                if (ImportService.refusesTheBytes(e.errorCode())) {
                    throw e;
                }
                // the event busy (an archive), a conflicting write, storage down: the bytes are kept, the job retries
                throw new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "the import of '" + upload.filename()
                        + "' will be tried again: " + e.getMessage(), e);
            }
        } else {
            store.delete(stagingKey); // the interrupted import had not removed it yet
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("slug", photo.eventSlug());
        result.put("photoId", photo.id());
        result.put("filename", photo.filename());
        result.put("key", photo.key());
        result.put("size", photo.size());
        return StepResult.done(Progress.of("imported", photo.size(), photo.size(), "bytes"), JobJson.write(result));
    }

    /**
     * A file refused for what it is leaves no staged bytes behind; after failures that may pass they stay (the
     * bucket's lifecycle rule removes them after 2 days), so nothing the photographer uploaded is lost to an outage.
     */
    private void abandon(Job job, String reason, boolean passing) {
        if (passing) {
            return;
        }
        Target upload = JobJson.read(job.params(), Target.class);
        try {
            store.delete(Keys.directUpload(upload.slug(), upload.uploadId()));
        } catch (RuntimeException e) {
            log.warn("the staged upload {} of {} could not be removed ({}): the bucket's lifecycle rule removes it",
                    upload.uploadId(), upload.slug(), e.toString());
        }
    }
}
