package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.Page;
import com.picpeak.catalog.Photo;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.GalleryService.GuestAccess;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /gallery/{slug}}: the gallery as a plain HTML page (no script needed to see the photos):
 * a password form when the gallery needs one, else the photos, a page at a time.
 */
@RestController
public class GalleryPageController {
    private final PicPeakRuntime runtime;

    public GalleryPageController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping(value = "/gallery/{slug}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String slug, @RequestParam(required = false) String cursor,
                                HttpServletRequest request) {
        Event event;
        try {
            event = runtime.gallery().visibleEvent(slug);
        } catch (PicPeakException e) {
            return html(e.errorCode().httpStatus(), "Gallery unavailable", "<p>" + escape(e.getMessage()) + "</p>");
        }
        GuestAccess access;
        try {
            access = runtime.gallery().access(slug, GuestController.sessionToken(request));
        } catch (PicPeakException e) {
            if (e.errorCode() != ErrorCode.UNAUTHORIZED) {
                throw e;
            }
            return html(401, event.title(), passwordForm(slug));
        }
        Page<Photo> page = runtime.gallery().photos(access, 100, cursor);
        StringBuilder body = new StringBuilder();
        if (event.heroKey() != null) {
            body.append("<img class=\"hero\" src=\"/api/gallery/").append(slug).append("/hero\" alt=\"")
                    .append(escape(event.title())).append("\">");
        }
        body.append("<p>").append(event.photoCount()).append(event.photoCount() == 1 ? " photo" : " photos")
                .append("</p><ul class=\"grid\">");
        for (Photo photo : page.items()) {
            String base = "/api/gallery/" + slug + "/photos/" + photo.id();
            body.append("<li><a href=\"").append(base).append("\"><img loading=\"lazy\" width=\"150\" height=\"150\" src=\"")
                    .append(base).append("/thumbnail\" alt=\"").append(escape(photo.filename())).append("\"></a>");
            if (event.allowDownloads()) {
                body.append("<a class=\"download\" href=\"").append(base).append("/download\">Download</a>");
            }
            body.append("</li>");
        }
        body.append("</ul>");
        if (page.nextCursor() != null) {
            body.append("<p><a rel=\"next\" href=\"/gallery/").append(slug).append("?cursor=")
                    .append(page.nextCursor()).append("\">More photos</a></p>");
        }
        return html(200, event.title(), body.toString());
    }

    private static String passwordForm(String slug) {
        return "<form id=\"auth\"><label>Password <input type=\"password\" name=\"password\" required "
                + "autocomplete=\"current-password\"></label> <button>Open gallery</button><p role=\"alert\" id=\"msg\"></p>"
                + "</form><script>document.getElementById('auth').onsubmit=async e=>{e.preventDefault();"
                + "const r=await fetch('/api/gallery/" + slug + "/auth',{method:'POST',headers:{'Content-Type':"
                + "'application/json'},body:JSON.stringify({password:e.target.password.value})});"
                + "if(r.ok){location.reload()}else{document.getElementById('msg').textContent=(await r.json()).message}}"
                + "</script>";
    }

    private static ResponseEntity<String> html(int status, String title, String body) {
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width,initial-scale=1\"><title>" + escape(title) + "</title><style>"
                + "body{font-family:system-ui,sans-serif;margin:2rem}.grid{display:flex;flex-wrap:wrap;gap:8px;"
                + "list-style:none;padding:0}.grid img{object-fit:cover}.hero{max-width:100%}.download{display:block}"
                + "</style></head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML).body(page);
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text);
    }
}
