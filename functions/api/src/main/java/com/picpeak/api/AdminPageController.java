package com.picpeak.api;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin pages: one frame for {@code /admin} (events, storage) and {@code /admin/events/{slug}} (one
 * event). The page itself holds no data: {@code /assets/admin.js} asks for the admin token and calls the
 * admin API with it, so the API's token check guards everything.
 */
@RestController
public class AdminPageController {

    @GetMapping(value = {"/admin", "/admin/", "/admin/events/{slug}"}, produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page() {
        return HtmlPages.page(200, "PicPeak admin", "admin", "admin.js",
                "<header class=\"admin-bar\"><a class=\"brand\" href=\"/admin\">PicPeak admin</a>"
                        + "<button id=\"sign-out\" type=\"button\" class=\"link\" hidden>Sign out</button></header>"
                        + "<main id=\"admin\" class=\"admin-main\"><p class=\"muted\">Loading…</p></main>"
                        + "<noscript><p class=\"error\">The admin pages need JavaScript.</p></noscript>");
    }
}
