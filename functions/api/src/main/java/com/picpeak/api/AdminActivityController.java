package com.picpeak.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.catalog.Event;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.gallery.ActivityCounts;
import com.picpeak.gallery.ActivityReport;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The admin's activity report of an event (behind {@link RequestGate}): JSON or CSV, by hours, of one guest. */
@RestController
public class AdminActivityController {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PicPeakRuntime runtime;

    public AdminActivityController(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * {@code format=json|csv}; {@code from}, {@code to}: instants (ISO-8601), their clock hours included;
     * {@code guest}: a guest id, or an activity key ({@code guest:<id>}, {@code session:<id>}, {@code token:<id>}).
     */
    @GetMapping("/api/admin/events/{slug}/activity")
    void activity(@PathVariable String slug, @RequestParam(required = false) String format,
                  @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                  @RequestParam(required = false) String guest, HttpServletResponse response) throws IOException {
        boolean csv = "csv".equals(format);
        if (format != null && !csv && !"json".equals(format)) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"format\" must be json or csv, not '" + format + "'");
        }
        Event event = runtime.events().get(slug);
        String downloader = guest == null || guest.isEmpty() ? null : guest.contains(":") ? guest : "guest:" + guest;
        List<ActivityCounts.Row> rows = runtime.activity().rows(event.slug(), instant("from", from), instant("to", to),
                downloader);
        Map<String, String> names = new HashMap<>();
        runtime.guests().list(event.slug()).forEach(g -> names.put("guest:" + g.id(), g.name()));
        Function<String, String> nameOf = names::get;
        response.setHeader("Cache-Control", "no-store");
        OutputStream out = response.getOutputStream();
        if (csv) {
            response.setContentType("text/csv; charset=utf-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"" + event.slug() + "-activity.csv\"");
            ActivityReport.csv(rows, nameOf, out);
        } else {
            response.setContentType("application/json");
            Map<String, Object> json = ActivityReport.json(rows, nameOf);
            json.put("event", event.slug());
            json.put("from", from);
            json.put("to", to);
            JSON.writeValue(out, json);
        }
        out.flush();
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + name + "\" must be an ISO-8601 instant "
                    + "(2026-12-08T10:00:00Z), not '" + value + "'");
        }
    }
}
