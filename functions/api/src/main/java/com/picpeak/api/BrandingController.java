package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.admin.HeroImages;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.media.RenditionMaker;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.Map;

/** The admin routes of how galleries look (behind {@link RequestGate}): an event's hero, the watermarks. */
@RestController
public class BrandingController {
    private final PicPeakRuntime runtime;
    private final HeroImages heroes;

    public BrandingController(PicPeakRuntime runtime) {
        this.runtime = runtime;
        this.heroes = new HeroImages(runtime.events(), runtime.imports(), runtime.store());
    }

    /** Chooses the hero photo; {@link HeroImages} renders its 1920x1080 cover image. */
    @PutMapping("/api/admin/events/{slug}/hero")
    Map<String, Object> setHero(@PathVariable String slug, @RequestBody(required = false) JsonNode body) {
        String photoId = JsonFields.optionalText(body, "photoId");
        if (photoId == null) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"photoId\" is required");
        }
        return Json.adminEvent(heroes.choose(slug, photoId));
    }

    /** The global watermark laid on downloads of galleries with "watermarkDownloads" (a PNG with alpha). */
    @PutMapping(value = "/api/admin/watermark", consumes = "image/png")
    Map<String, Object> setGlobalWatermark(HttpServletRequest request) throws IOException {
        return watermarkJson(runtime.renditions().setWatermark(null, request.getInputStream()));
    }

    /** An event's own watermark, used instead of the global one. */
    @PutMapping(value = "/api/admin/events/{slug}/watermark", consumes = "image/png")
    Map<String, Object> setEventWatermark(@PathVariable String slug, HttpServletRequest request) throws IOException {
        runtime.events().get(slug);
        return watermarkJson(runtime.renditions().setWatermark(slug, request.getInputStream()));
    }

    private static Map<String, Object> watermarkJson(RenditionMaker.Watermark watermark) {
        return Map.of("key", watermark.key(), "version", watermark.version());
    }
}
