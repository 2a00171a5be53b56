package com.picpeak.error;

/**
 * Every error the domain reports, with the HTTP status it maps to. The API layer turns a
 * {@link PicPeakException} into {@code {"error": code, "message": ...}} in one place.
 */
public enum ErrorCode {
    INVALID_KEY(400, "invalid_key"),
    INVALID_RANGE(400, "invalid_range"),
    INVALID_REQUEST(400, "invalid_request"),
    INVALID_SLUG(400, "invalid_slug"),
    INVALID_FILENAME(400, "invalid_filename"),
    EMPTY_FILE(400, "empty_file"),
    UNAUTHORIZED(401, "unauthorized"),
    WRONG_PASSWORD(401, "wrong_password"),
    /** The gallery asks each guest for a name (its guest identity is "name") and none was given. */
    NAME_REQUIRED(401, "name_required"),
    /** The gallery asks each guest for their PIN (guest identity "pin") and none was given. */
    PIN_REQUIRED(401, "pin_required"),
    WRONG_PIN(401, "wrong_pin"),
    FORBIDDEN(403, "forbidden"),
    DOWNLOADS_DISABLED(403, "downloads_disabled"),
    /** A download size the event does not offer (its admin chooses the sizes). */
    SIZE_NOT_OFFERED(403, "size_not_offered"),
    ACCESS_TOKEN_INVALID(403, "access_token_invalid"),
    /** A download beyond the event's download limit ({@link DownloadLimitException} says how many remain). */
    DOWNLOAD_LIMIT(403, "download_limit"),
    TILES_ONLY(403, "tiles_only"),
    NOT_FOUND(404, "not_found"),
    EVENT_NOT_FOUND(404, "event_not_found"),
    PHOTO_NOT_FOUND(404, "photo_not_found"),
    /** A request body that arrived too slowly (below the minimum rate once its grace period is over). */
    REQUEST_TIMEOUT(408, "request_timeout"),
    CONFLICT(409, "conflict"),
    DUPLICATE_PHOTO(409, "duplicate_photo"),
    NO_PHOTOS(409, "no_photos"),
    /** A favourite over the event's favourites limit. */
    FAVOURITES_LIMIT(409, "favourites_limit"),
    /** The selection was sent to the photographer: it changes again once the photographer unlocks it. */
    SELECTION_SUBMITTED(409, "selection_submitted"),
    EVENT_EXPIRED(410, "event_expired"),
    FILE_TOO_LARGE(413, "file_too_large"),
    /** A request body over its route's limit (not one file of an upload: that is {@link #FILE_TOO_LARGE}). */
    REQUEST_TOO_LARGE(413, "request_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    RANGE_NOT_SATISFIABLE(416, "range_not_satisfiable"),
    INTEGRITY_MISMATCH(422, "integrity_mismatch"),
    /** A backup with a row the import path would never have written: nothing of it is restored. */
    INVALID_BACKUP(422, "invalid_backup"),
    TOO_MANY_REQUESTS(429, "too_many_requests"),
    IMAGE_TOO_LARGE(422, "image_too_large"),
    TRUNCATED_IMAGE(422, "truncated_image"),
    CORRUPT_IMAGE(422, "corrupt_image"),
    INTERNAL(500, "internal_error"),
    /** The Download All archive could not be built (its job failed for good); a new revision builds anew. */
    DOWNLOAD_ALL_FAILED(500, "download_all_failed"),
    PRESIGN_UNSUPPORTED(501, "presign_unsupported"),
    WATERMARK_UNAVAILABLE(501, "watermark_unavailable"),
    STORAGE_FAILURE(502, "storage_failure"),
    STORAGE_UNAVAILABLE(503, "storage_unavailable"),
    /** The admin token's secret could not be read (Secrets Manager down, or the function may not read it). */
    ADMIN_TOKEN_UNAVAILABLE(503, "admin_token_unavailable");

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
