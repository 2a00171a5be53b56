package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.catalog.Names;
import com.picpeak.catalog.PhotoIds;
import com.picpeak.media.ImageHeader;
import com.picpeak.storage.Keys;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StorageConfig;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin routes (behind {@link RequestGate}): events, photos, uploads, storage status. */
@RestController
public class AdminController {
    static final Duration DIRECT_UPLOAD_VALIDITY = Duration.ofMinutes(15);
    static final int HERO_WIDTH = 1920;
    static final int HERO_HEIGHT = 1080;

    private final PicPeakRuntime runtime;

    public AdminController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping("/api/admin/events")
    Map<String, Object> listEvents(@RequestParam(defaultValue = "100") int limit,
                                   @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > 500) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "limit must be 1 to 500");
        }
        Page<Event> page = runtime.events().list(limit, cursor);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("events", page.items().stream().map(Json::adminEvent).toList());
        json.put("nextCursor", page.nextCursor());
        return json;
    }

    @PostMapping("/api/admin/events")
    ResponseEntity<Map<String, Object>> createEvent(@RequestBody(required = false) JsonNode body) {
        Event event = runtime.events().create(EventRequests.slug(body), EventRequests.patch(body));
        return ResponseEntity.status(HttpStatus.CREATED).body(Json.adminEvent(event));
    }

    @GetMapping("/api/admin/events/{slug}")
    Map<String, Object> getEvent(@PathVariable String slug) {
        return Json.adminEvent(runtime.events().get(slug));
    }

    @PatchMapping("/api/admin/events/{slug}")
    Map<String, Object> updateEvent(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        if (body != null && body.has("slug") && !slug.equals(body.get("slug").asText())) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "the slug of an event cannot change");
        }
        return Json.adminEvent(runtime.events().update(slug, EventRequests.patch(body)));
    }

    /** Deletes the event with every object and row of it: a job (202, follow its Location). */
    @DeleteMapping("/api/admin/events/{slug}")
    ResponseEntity<Map<String, Object>> deleteEvent(@PathVariable String slug) {
        return JobsController.accepted(runtime.deletions().delete(slug));
    }

    @GetMapping("/api/admin/events/{slug}/photos")
    Map<String, Object> listPhotos(@PathVariable String slug, @RequestParam(defaultValue = "100") int limit,
                                   @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > 500) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "limit must be 1 to 500");
        }
        Page<Photo> page = runtime.events().photos(slug, limit, cursor);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("photos", page.items().stream().map(Json::adminPhoto).toList());
        json.put("nextCursor", page.nextCursor());
        return json;
    }

    /**
     * Multipart upload of many files (field {@code files}). Each file is imported on its own and reported
     * on its own: 201 when all were imported, 207 when some were, the error's status when a single file
     * failed, 422 when several all failed.
     */
    @PostMapping(value = "/api/admin/events/{slug}/photos", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, Object>> upload(@PathVariable String slug,
                                               @RequestParam("files") List<MultipartFile> files) {
        runtime.events().get(slug);
        List<Map<String, Object>> results = new ArrayList<>();
        int imported = 0;
        PicPeakException firstFailure = null;
        for (MultipartFile file : files) {
            Map<String, Object> result = new LinkedHashMap<>();
            String filename = file.getOriginalFilename();
            result.put("filename", filename);
            try (InputStream content = file.getInputStream()) {
                Photo photo = runtime.imports().importStream(slug, filename, content, PhotoSource.UPLOAD);
                result.put("status", "imported");
                result.put("photo", Json.adminPhoto(photo));
                imported++;
            } catch (PicPeakException e) {
                result.put("status", "failed");
                result.put("error", ApiErrors.body(e.errorCode(), e.getMessage()));
                firstFailure = firstFailure == null ? e : firstFailure;
            } catch (IOException e) {
                result.put("status", "failed");
                result.put("error", ApiErrors.body(ErrorCode.INVALID_REQUEST, "the upload could not be read: " + e.getMessage()));
                firstFailure = firstFailure == null
                        ? new PicPeakException(ErrorCode.INVALID_REQUEST, e.getMessage()) : firstFailure;
            }
            results.add(result);
        }
        int status;
        if (firstFailure == null) {
            status = 201;
        } else if (imported > 0) {
            status = 207;
        } else {
            status = files.size() == 1 ? firstFailure.errorCode().httpStatus() : 422;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("imported", imported);
        json.put("failed", files.size() - imported);
        json.put("results", results);
        return ResponseEntity.status(status).body(json);
    }

    /** Direct upload, step 1: a presigned PUT URL (S3 only) for one file, valid 15 minutes. */
    @PostMapping("/api/admin/events/{slug}/uploads")
    ResponseEntity<Map<String, Object>> startDirectUpload(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        runtime.events().get(slug);
        String filename = Names.filename(body == null || !body.hasNonNull("filename") ? null : body.get("filename").asText());
        String contentType = body.hasNonNull("contentType") ? body.get("contentType").asText() : "application/octet-stream";
        if (!contentType.matches("[\\w.+-]+/[\\w.+-]+")) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"contentType\" '" + contentType + "' is not a media type");
        }
        String uploadId = PhotoIds.next(runtime.clock().instant());
        String url = runtime.store().presignPut(Keys.directUpload(slug, uploadId), DIRECT_UPLOAD_VALIDITY, contentType)
                .toString();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uploadId", uploadId);
        json.put("filename", filename);
        json.put("method", "PUT");
        json.put("url", url);
        json.put("headers", Map.of("Content-Type", contentType));
        json.put("expiresAt", runtime.clock().instant().plus(DIRECT_UPLOAD_VALIDITY));
        json.put("completeUrl", "/api/admin/events/" + slug + "/uploads/" + uploadId + "/complete");
        return ResponseEntity.status(HttpStatus.CREATED).body(json);
    }

    /** Direct upload, step 2: import the uploaded object through the same ImportService. */
    @PostMapping("/api/admin/events/{slug}/uploads/{uploadId}/complete")
    ResponseEntity<Map<String, Object>> completeDirectUpload(@PathVariable String slug, @PathVariable String uploadId,
                                                             @RequestBody(required = false) JsonNode body) {
        if (!Names.isPhotoId(uploadId)) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "no upload '" + uploadId + "'");
        }
        String filename = Names.filename(body == null || !body.hasNonNull("filename") ? null : body.get("filename").asText());
        String stagingKey = Keys.directUpload(Names.slug(slug), uploadId);
        if (runtime.store().head(stagingKey).isEmpty()) {
            throw new PicPeakException(ErrorCode.NOT_FOUND, "upload '" + uploadId + "' has no bytes yet: PUT the file "
                    + "to the presigned URL first (it is valid for 15 minutes)");
        }
        Photo photo = runtime.imports().importStaged(slug, stagingKey, filename, PhotoSource.UPLOAD);
        return ResponseEntity.status(HttpStatus.CREATED).body(Json.adminPhoto(photo));
    }

    /**
     * A photo's thumbnail for the admin pages, whatever the gallery's password or state (the guest route
     * needs a guest session and an open gallery).
     */
    @GetMapping("/api/admin/events/{slug}/photos/{id}/thumbnail")
    void thumbnail(@PathVariable String slug, @PathVariable String id, jakarta.servlet.http.HttpServletRequest request,
                   jakarta.servlet.http.HttpServletResponse response) throws IOException {
        Photo photo = runtime.events().photo(slug, id);
        BlobResponder.serve(request, response, runtime, photo.thumbnailKey(), "thumb-" + photo.id(), -1, "image/jpeg",
                null, "private, max-age=86400");
    }

    @DeleteMapping("/api/admin/events/{slug}/photos/{id}")
    ResponseEntity<Void> deletePhoto(@PathVariable String slug, @PathVariable String id) {
        runtime.events().deletePhoto(slug, id);
        return ResponseEntity.noContent().build();
    }

    /** Chooses the hero photo and renders its 1920x1080 cover image. */
    @PutMapping("/api/admin/events/{slug}/hero")
    Map<String, Object> setHero(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        String photoId = body == null || !body.hasNonNull("photoId") ? null : body.get("photoId").asText();
        if (photoId == null) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"photoId\" is required");
        }
        Photo photo = runtime.events().photo(slug, photoId);
        ImageHeader header = runtime.imports().header(photo.key());
        byte[] hero = runtime.imports().render(photo.key(), header, HERO_WIDTH, HERO_HEIGHT);
        String heroKey = Keys.hero(slug, photoId);
        runtime.store().put(heroKey, new ByteArrayInputStream(hero), PutOptions.of("image/jpeg"));
        return Json.adminEvent(runtime.events().setHero(slug, photoId, heroKey));
    }

    /**
     * Archives the event: its photos into events/archived/<slug>.zip (verified), then removed. A job (202,
     * follow its Location); the archive is then at GET /api/admin/events/{slug}/archive.
     */
    @PostMapping("/api/admin/events/{slug}/archive")
    ResponseEntity<Map<String, Object>> archive(@PathVariable String slug) {
        return JobsController.accepted(runtime.archiver().archive(Names.slug(slug)));
    }

    /** The archive of an archived event, for the admin (302 to a presigned URL above the inline cap). */
    @GetMapping("/api/admin/events/{slug}/archive")
    void downloadArchive(@PathVariable String slug, jakarta.servlet.http.HttpServletRequest request,
                         jakarta.servlet.http.HttpServletResponse response) throws IOException {
        Event event = runtime.events().get(slug);
        if (!event.isArchived()) {
            throw new PicPeakException(ErrorCode.CONFLICT, "event '" + slug + "' is not archived");
        }
        String key = Keys.archivedEvent(slug);
        long size = runtime.store().head(key).map(com.picpeak.storage.BlobInfo::size).orElseThrow(() ->
                new PicPeakException(ErrorCode.NOT_FOUND, "the archive " + key + " is missing from storage"));
        BlobResponder.serve(request, response, runtime, key, "archived-" + slug + "-" + event.archivedAt().toEpochMilli(),
                size, "application/zip", slug + ".zip", "private, no-cache");
    }

    /** Puts an archived event's photos back (a job: 202, follow its Location). */
    @PostMapping("/api/admin/events/{slug}/restore")
    ResponseEntity<Map<String, Object>> restore(@PathVariable String slug) {
        return JobsController.accepted(runtime.archiver().restore(Names.slug(slug)));
    }

    /** Runs the daily sweep now: a job that starts one archive job per expired event with photos. */
    @PostMapping("/api/admin/archive-sweep")
    ResponseEntity<Map<String, Object>> sweep() {
        return JobsController.accepted(runtime.archiver().sweep());
    }

    /** The global watermark laid on downloads of galleries with "watermarkDownloads" (a PNG with alpha). */
    @PutMapping(value = "/api/admin/watermark", consumes = "image/png")
    Map<String, Object> setGlobalWatermark(jakarta.servlet.http.HttpServletRequest request) throws IOException {
        return watermarkJson(runtime.watermarks().setWatermark(null, request.getInputStream()));
    }

    /** An event's own watermark, used instead of the global one. */
    @PutMapping(value = "/api/admin/events/{slug}/watermark", consumes = "image/png")
    Map<String, Object> setEventWatermark(@PathVariable String slug, jakarta.servlet.http.HttpServletRequest request)
            throws IOException {
        runtime.events().get(slug);
        return watermarkJson(runtime.watermarks().setWatermark(slug, request.getInputStream()));
    }

    private static Map<String, Object> watermarkJson(com.picpeak.media.WatermarkService.Watermark watermark) {
        return Map.of("key", watermark.key(), "version", watermark.version());
    }

    /** Who received the images carrying this fingerprint (from the access log). */
    @GetMapping("/api/admin/fingerprints/{id}")
    Map<String, Object> fingerprint(@PathVariable String id) {
        return accessJson(runtime.protection().lookup(id).orElseThrow(() -> new PicPeakException(ErrorCode.NOT_FOUND,
                "no image carrying fingerprint '" + id + "' was served (or its record expired)")));
    }

    /** The same for a leaked file: its fingerprint is read from the image's metadata, then looked up. */
    @PostMapping(value = "/api/admin/fingerprints/lookup", consumes = {"image/jpeg", "image/png", "application/octet-stream"})
    Map<String, Object> fingerprintOfFile(jakarta.servlet.http.HttpServletRequest request) throws IOException {
        String id = com.picpeak.protect.ImageProtection.readFingerprint(request.getInputStream()).orElseThrow(() ->
                new PicPeakException(ErrorCode.NOT_FOUND, "the file carries no PicPeak fingerprint (it was served below "
                        + "protection level enhanced, or its metadata was stripped)"));
        return fingerprint(id);
    }

    static Map<String, Object> accessJson(com.picpeak.protect.ProtectionStore.AccessRecord r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("fingerprint", r.fingerprintId());
        json.put("event", r.slug());
        json.put("photoId", r.photoId());
        json.put("session", r.sessionId());
        json.put("clientHash", r.clientHash());
        json.put("firstServedAt", r.firstServedAt());
        json.put("lastServedAt", r.lastServedAt());
        json.put("serves", r.serves());
        json.put("lastVariant", r.lastVariant());
        return json;
    }

    @GetMapping("/api/admin/storage")
    Map<String, Object> storage() {
        StorageConfig config = runtime.storageConfig();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("backend", config.backend().name().toLowerCase());
        if (config.backend() == StorageConfig.Backend.LOCAL) {
            json.put("root", config.localRoot().toString());
        } else {
            StorageConfig.S3Settings s3 = config.s3().orElseThrow();
            json.put("bucket", s3.bucket());
            json.put("prefix", s3.prefix());
            json.put("endpoint", s3.endpoint().map(Object::toString).orElse(null));
            json.put("region", s3.region());
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("ok", runtime.startupCheck().ok());
        check.put("message", runtime.startupCheck().line());
        check.put("tookMs", runtime.startupCheck().took().toMillis());
        json.put("startupCheck", check);
        json.put("autoImport", AutoImportController.status(runtime));
        json.put("maxUploadBytes", runtime.appConfig().maxUploadBytes());
        return json;
    }
}
