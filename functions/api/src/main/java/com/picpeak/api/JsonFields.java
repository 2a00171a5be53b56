package com.picpeak.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

/** Reading one field of a request's JSON body. */
final class JsonFields {
    private JsonFields() {
    }

    /** The field's string, null when absent or null; a 400 naming the field when it is not a string. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PicPeakException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    /** A field's text as sent, or null when the body or the field is missing (any type, read with {@code asText}). */
    static String optionalText(JsonNode body, String field) {
        return body == null || !body.hasNonNull(field) ? null : body.get(field).asText();
    }
}
