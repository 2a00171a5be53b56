package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Names;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.storage.StorageConfig;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** Admin routes of auto-import (behind {@link RequestGate}): referenced folders, a poll on demand. */
@RestController
public class AutoImportController {
    private final PicPeakRuntime runtime;

    public AutoImportController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    // ---- referenced folders ----

    /** {@code {"folder": "2026/smith-wedding"}}: the event's photos come from that folder of EXTERNAL_MEDIA_ROOT. */
    @PutMapping("/api/admin/events/{slug}/external-folder")
    Map<String, Object> linkFolder(@PathVariable String slug, @RequestBody JsonNode body) {
        String folder = runtime.externalFolders().link(Names.slug(slug), body == null ? null : JsonFields.text(body, "folder"));
        return Map.of("slug", slug, "externalFolder", folder,
                "note", "files in the folder are imported by reference by the folder watcher of local mode");
    }

    @GetMapping("/api/admin/events/{slug}/external-folder")
    Map<String, Object> folder(@PathVariable String slug) {
        runtime.events().get(slug);
        return Map.of("slug", slug, "externalFolder", runtime.externalFolders().folderOf(slug).orElse(""));
    }

    // ---- the S3 walker ----

    /**
     * Runs one poll now (S3 backend), whatever the schedule: what a photographer wants after a big upload. A
     * job (202, follow its Location); its result has the poll's figures, and GET /api/admin/storage the report.
     */
    @PostMapping("/api/admin/auto-import/poll")
    ResponseEntity<Map<String, Object>> pollNow() {
        if (runtime.storageConfig().backend() != StorageConfig.Backend.S3) {
            throw new PicPeakException(ErrorCode.CONFLICT, "the prefix walker polls S3; with the local backend the "
                    + "folder watcher of local mode imports dropped files as they arrive");
        }
        return JobsController.accepted(runtime.autoImportPolls().submit());
    }
}
