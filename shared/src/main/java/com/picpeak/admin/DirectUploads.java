package com.picpeak.admin;

import com.picpeak.catalog.Names;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.EventService;
import com.picpeak.ingest.ImportService;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.Keys;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Uploads that bypass the API (S3 only): the client PUTs the file to a presigned URL, then asks for it to be
 * imported, through the same {@link ImportService} as every other upload.
 */
public final class DirectUploads {
    public static final Duration VALIDITY = Duration.ofMinutes(15);
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+");

    private final EventService events;
    private final ImportService imports;
    private final BlobStore store;
    private final Clock clock;

    /** What the client needs for step 1: where to PUT the bytes, with which Content-Type, until when. */
    public record Ticket(String uploadId, String filename, String contentType, URI url, Instant expiresAt) {
    }

    public DirectUploads(EventService events, ImportService imports, BlobStore store, Clock clock) {
        this.events = events;
        this.imports = imports;
        this.store = store;
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

    /** Step 2: imports the bytes the client PUT; 404 until they are there. */
    public Photo complete(String slug, String uploadId, String filename) {
        if (!Names.isPhotoId(uploadId)) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "no upload '" + uploadId + "'");
        }
        String checkedName = Names.filename(filename);
        String stagingKey = Keys.directUpload(Names.slug(slug), uploadId);
        if (store.head(stagingKey).isEmpty()) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "upload '" + uploadId + "' has no bytes yet: PUT the file "
                    + "to the presigned URL first (it is valid for 15 minutes)");
        }
        return imports.importStaged(slug, stagingKey, checkedName, PhotoSource.UPLOAD);
    }
}
