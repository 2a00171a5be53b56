package com.picpeak.api;

import com.picpeak.catalog.Page;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The shape of every paged admin list: {@code {"<items>": [...], "nextCursor": ...}}, and its limit check. */
final class PagedJson {
    private PagedJson() {
    }

    /** A 400 unless {@code 1 <= limit <= max}. */
    static int limit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "limit must be 1 to " + max);
        }
        return limit;
    }

    static <T> Map<String, Object> of(String itemsField, Page<T> page, Function<T, Map<String, Object>> itemJson) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(itemsField, page.items().stream().map(itemJson).toList());
        json.put("nextCursor", page.nextCursor());
        return json;
    }
}
