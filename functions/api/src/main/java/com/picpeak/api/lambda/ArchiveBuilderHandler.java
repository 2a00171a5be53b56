package com.picpeak.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.picpeak.api.RuntimeHolder;
import com.picpeak.archive.ArchiveService;

import java.util.Map;

/**
 * The archive builder function, invoked asynchronously by the download function with {@code {"slug": ...}}:
 * builds the event's cached Download All archive (no Spring, no HTTP). Its timeout is minutes, not the
 * API's 30 seconds.
 */
public final class ArchiveBuilderHandler implements RequestHandler<Map<String, String>, String> {

    @Override
    public String handleRequest(Map<String, String> input, Context context) {
        String slug = input == null ? null : input.get("slug");
        if (slug == null) {
            throw new IllegalArgumentException("the event needs {\"slug\": \"<event slug>\"}");
        }
        ArchiveService.BuildOutcome outcome = RuntimeHolder.get().archives().build(slug);
        return outcome.name();
    }
}
