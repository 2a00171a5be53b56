package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.catalog.GuestPolicy;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static com.picpeak.api.HtmlPages.escape;

/**
 * {@code GET /gallery/{slug}}: the guest page. The server decides which of three pages a guest gets: the
 * gallery unavailable (unknown, expired or archived, as a page with the matching status), the password
 * form, or the gallery itself, whose photos {@code /assets/gallery.js} loads from the JSON API a page at a
 * time. Image URLs always come from that JSON, never from the page or the script.
 */
@RestController
public class GalleryPageController {
    private final PicPeakRuntime runtime;

    public GalleryPageController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping(value = "/gallery/{slug}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String slug, HttpServletRequest request) {
        Event event;
        try {
            event = runtime.gallery().visibleEvent(slug);
        } catch (PicPeakException e) {
            return unavailable(e);
        }
        String api = "/api/gallery/" + event.slug();
        if (!runtime.gallery().mayOpen(event, GuestController.sessionToken(request))) {
            return HtmlPages.page(401, event.title(), "guest", "gallery.js", passwordForm(event, api));
        }
        return HtmlPages.page(200, event.title(), "guest", "gallery.js", gallery(event, api));
    }

    /** The door: the password, and the name (with an optional email) or the PIN where the event asks who the guest is. */
    private static String passwordForm(Event event, String api) {
        GuestPolicy.Identity identity = event.guests().identity();
        StringBuilder form = new StringBuilder("<main class=\"narrow\"><h1>" + escape(event.title()) + "</h1>");
        form.append("<p>").append(event.requiresPassword() ? "This gallery is protected by a password."
                : "Please tell us who you are.").append("</p>");
        form.append("<form id=\"auth\" class=\"card\" data-auth-url=\"").append(api).append("/auth\">");
        if (event.requiresPassword()) {
            form.append("<label for=\"password\">Password</label>"
                    + "<input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\" autofocus>");
        }
        if (identity == GuestPolicy.Identity.NAME) {
            form.append("<label for=\"guest-name\">Your name</label>"
                    + "<input id=\"guest-name\" name=\"name\" required maxlength=\"100\" autocomplete=\"name\">"
                    + "<label for=\"guest-email\">Email (optional)</label>"
                    + "<input id=\"guest-email\" name=\"email\" type=\"email\" autocomplete=\"email\">");
        } else if (identity == GuestPolicy.Identity.PIN) {
            form.append("<label for=\"guest-pin\">Your PIN</label>"
                    + "<input id=\"guest-pin\" name=\"pin\" required inputmode=\"numeric\" pattern=\"[0-9]{6}\" "
                    + "maxlength=\"6\" autocomplete=\"one-time-code\">");
        }
        form.append("<button type=\"submit\">Open gallery</button>"
                + "<p id=\"auth-error\" class=\"error\" role=\"alert\"></p></form>"
                + "<noscript><p class=\"error\">This page needs JavaScript to sign in.</p></noscript></main>");
        return form.toString();
    }

    private static String gallery(Event event, String api) {
        return "<main id=\"gallery\" data-info-url=\"" + api + "\" data-photos-url=\"" + api + "/photos\">"
                + "<header class=\"gallery-header\"><div id=\"hero-frame\" class=\"hero-frame\" hidden></div>"
                + "<div class=\"gallery-title\"><h1>" + escape(event.title()) + "</h1><p id=\"summary\"></p>"
                + "<p class=\"actions\"><button id=\"download-all\" type=\"button\" hidden>Download All</button> "
                + "<span id=\"download-status\" role=\"status\" aria-live=\"polite\"></span> "
                + "<span id=\"download-count\" hidden></span></p>"
                + "<div id=\"selection-bar\" class=\"selection-bar\" data-favourites-url=\"" + api + "/favourites\" hidden>"
                + "<span id=\"favourite-count\" role=\"status\" aria-live=\"polite\"></span> "
                + "<label><input id=\"favourites-only\" type=\"checkbox\"> Favourites only</label> "
                + "<input id=\"selection-note\" type=\"text\" maxlength=\"2000\" placeholder=\"A note for the photographer\" "
                + "aria-label=\"A note for the photographer\"> "
                + "<button id=\"send-selection\" type=\"button\">Send selection</button> "
                + "<span id=\"selection-status\" role=\"status\" aria-live=\"polite\"></span></div></div></header>"
                + "<ul id=\"grid\" class=\"grid\" aria-label=\"Photos\"></ul>"
                + "<p class=\"more\"><button id=\"more\" type=\"button\" hidden>Load more photos</button></p>"
                + "<p id=\"grid-status\" class=\"muted\" role=\"status\" aria-live=\"polite\"></p>"
                + "<noscript><p class=\"error\">This gallery needs JavaScript to show its photos.</p></noscript>"
                + "</main>"
                + "<dialog id=\"viewer\" class=\"viewer\" aria-label=\"Photo viewer\">"
                + "<div class=\"viewer-bar\"><p><span id=\"viewer-caption\"></span> <span id=\"viewer-position\" class=\"muted\"></span></p>"
                + "<a id=\"viewer-original\" class=\"button\" target=\"_blank\" rel=\"noopener\" hidden>View original</a>"
                + "<a id=\"viewer-download\" class=\"button\" download hidden>Download</a>"
                + "<span id=\"viewer-sizes\" class=\"sizes\"></span>"
                + "<button id=\"viewer-close\" type=\"button\" aria-label=\"Close the viewer\">&#x2715;</button></div>"
                + "<div id=\"viewer-stage\" class=\"viewer-stage\"></div>"
                + "<button id=\"viewer-prev\" class=\"nav prev\" type=\"button\" aria-label=\"Previous photo\">&#x2039;</button>"
                + "<button id=\"viewer-next\" class=\"nav next\" type=\"button\" aria-label=\"Next photo\">&#x203A;</button>"
                + "</dialog>";
    }

    /** Unknown, inactive, expired, archived or a malformed link: a page that says so, with the API's status. */
    private static ResponseEntity<String> unavailable(PicPeakException e) {
        String heading;
        String advice;
        if (e.errorCode() == ErrorCode.EVENT_EXPIRED) {
            heading = "This gallery has expired"; // or was archived: the message below says which
            advice = "Its photos are no longer available here. Ask the photographer if you need them or a new link.";
        } else if (e.errorCode() == ErrorCode.EVENT_NOT_FOUND || e.errorCode() == ErrorCode.INVALID_SLUG) {
            heading = "Gallery not found";
            advice = "Check the link you were given: there is no gallery at this address.";
        } else {
            throw e; // anything else is the API's JSON error
        }
        return HtmlPages.page(e.errorCode().httpStatus(), heading, "guest", null, "<main class=\"narrow\"><h1>"
                + heading + "</h1><p>" + advice + "</p><p class=\"muted\">" + escape(e.getMessage()) + "</p></main>");
    }
}
