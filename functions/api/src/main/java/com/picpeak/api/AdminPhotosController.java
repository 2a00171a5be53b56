package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.admin.DirectUploads;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Photo;
import com.picpeak.catalog.PhotoSource;
import com.picpeak.error.PicPeakException;
import com.picpeak.ingest.ImportService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin routes of an event's photos (behind {@link RequestGate}): list, upload (through the API or direct), thumbnail, delete. */
@RestController
public class AdminPhotosController {
    private final PicPeakRuntime runtime;
    private final DirectUploads directUploads;

    public AdminPhotosController(PicPeakRuntime runtime) {
        this.runtime = runtime;
        this.directUploads = runtime.directUploads();
    }

    @GetMapping("/api/admin/events/{slug}/photos")
    Map<String, Object> listPhotos(@PathVariable String slug, @RequestParam(defaultValue = "100") int limit,
                                   @RequestParam(required = false) String cursor) {
        return PagedJson.of("photos", runtime.events().photos(slug, PagedJson.limit(limit, 500), cursor), Json::adminPhoto);
    }

    /**
     * Multipart upload of many files (field {@code files}). Each file is imported on its own (several at a time, see
     * {@link ImportService#importAll}) and reported on its own, in the files' order: 201 when all were imported, 207 when some were, the error's status when a single file
     * failed, 422 when several all failed.
     */
    @PostMapping(value = "/api/admin/events/{slug}/photos", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Map<String, Object>> upload(@PathVariable String slug,
                                               @RequestParam("files") List<MultipartFile> files) {
        runtime.events().get(slug);
        List<ImportService.UploadedFile> uploaded = new ArrayList<>();
        for (MultipartFile file : files) {
            uploaded.add(new ImportService.UploadedFile(file.getOriginalFilename(), file::getInputStream));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        int imported = 0;
        PicPeakException firstFailure = null;
        for (ImportService.Outcome outcome : runtime.imports().importAll(slug, uploaded, PhotoSource.UPLOAD)) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("filename", outcome.filename());
            if (outcome.failure() == null) {
                result.put("status", "imported");
                result.put("photo", Json.adminPhoto(outcome.photo()));
                imported++;
            } else {
                result.put("status", "failed");
                result.put("error", ApiErrors.body(outcome.failure().errorCode(), outcome.failure().getMessage()));
                firstFailure = firstFailure == null ? outcome.failure() : firstFailure;
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
        DirectUploads.Ticket ticket = directUploads.start(slug, JsonFields.optionalText(body, "filename"),
                JsonFields.optionalText(body, "contentType"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uploadId", ticket.uploadId());
        json.put("filename", ticket.filename());
        json.put("method", "PUT");
        json.put("url", ticket.url().toString());
        json.put("headers", Map.of("Content-Type", ticket.contentType()));
        json.put("expiresAt", ticket.expiresAt());
        json.put("completeUrl", "/api/admin/events/" + slug + "/uploads/" + ticket.uploadId() + "/complete");
        return ResponseEntity.status(HttpStatus.CREATED).body(json);
    }

    /**
     * Direct upload, step 2: the import of the uploaded object through the same ImportService, as a job (202, follow
     * its Location; its result names the photo): a large file takes longer than a request may.
     */
    @PostMapping("/api/admin/events/{slug}/uploads/{uploadId}/complete")
    ResponseEntity<Map<String, Object>> completeDirectUpload(@PathVariable String slug, @PathVariable String uploadId,
                                                             @RequestBody(required = false) JsonNode body) {
        return JobsController.accepted(directUploads.complete(slug, uploadId, JsonFields.optionalText(body, "filename")));
    }

    /**
     * A photo's thumbnail for the admin pages, whatever the gallery's password or state (the guest route
     * needs a guest session and an open gallery).
     */
    @GetMapping("/api/admin/events/{slug}/photos/{id}/thumbnail")
    void thumbnail(@PathVariable String slug, @PathVariable String id, HttpServletRequest request,
                   HttpServletResponse response) throws IOException {
        Photo photo = runtime.events().photo(slug, id);
        BlobResponder.serve(request, response, runtime, photo.thumbnailKey(), "thumb-" + photo.id(), -1, "image/jpeg",
                null, "private, max-age=86400");
    }

    @DeleteMapping("/api/admin/events/{slug}/photos/{id}")
    ResponseEntity<Void> deletePhoto(@PathVariable String slug, @PathVariable String id) {
        runtime.events().deletePhoto(slug, id);
        return ResponseEntity.noContent().build();
    }
}
