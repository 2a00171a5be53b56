package com.picpeak.error;

/**
 * Every error the domain reports, with the HTTP status it maps to. The API layer turns a
 * {@link PicPeakException} into {@code {"error": code, "message": ...}} in one place.
 */
public enum ErrorCode {
    INVALID_KEY(400, "invalid_key"),
    INVALID_RANGE(400, "invalid_range"),
    NOT_FOUND(404, "not_found"),
    RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable"),
    INTEGRITY_MISMATCH(422, "integrity_mismatch"),
    PRESIGN_UNSUPPORTED(501, "presign_unsupported"),
    STORAGE_FAILURE(502, "storage_failure"),
    STORAGE_UNAVAILABLE(503, "storage_unavailable");

    private final int httpStatus;
    private final String code;

    ErrorCode(int httpStatus, String code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The machine-readable code of the JSON error body. */
    public String code() {
        return code;
    }
}
