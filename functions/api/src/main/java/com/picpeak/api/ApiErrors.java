package com.picpeak.api;

import com.picpeak.app.PicPeakRuntime;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place errors become {@code {"error": code, "message": ...}} with their HTTP status. Messages of failures on
 * the server's side (storage, catalog, integrity, a refused storage key) can name absolute paths, bucket names and
 * endpoints: the admin gets them, anyone else a message of the same code that names none of that (and the log has the
 * details).
 */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    /** What guests read instead of the message, for the codes whose messages tell of the server's insides. */
    private static final Map<ErrorCode, String> GUEST_MESSAGES = new EnumMap<>(Map.of(
            ErrorCode.STORAGE_FAILURE, "the photo storage failed to answer: try again later (the server's log has the details)",
            ErrorCode.STORAGE_UNAVAILABLE, "the storage or the catalog is not answering right now: try again in a minute",
            ErrorCode.INTERNAL, "the server failed unexpectedly; the log has the details",
            ErrorCode.DOWNLOAD_ALL_FAILED, "the download of all photos could not be prepared: the photographer has been "
                    + "told; it is prepared anew once the gallery changes",
            ErrorCode.INVALID_KEY, "this file cannot be served (the server refused its storage key; its log has the details)",
            ErrorCode.INTEGRITY_MISMATCH, "a stored file does not match its record (the server's log has the details)"));

    private final PicPeakRuntime runtime;

    public ApiErrors(PicPeakRuntime runtime) {
        this.runtime = runtime;
    }

    public static Map<String, Object> body(ErrorCode code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code.code());
        body.put("message", message);
        return body;
    }

    static ResponseEntity<Map<String, Object>> respond(ErrorCode code, String message) {
        return ResponseEntity.status(code.httpStatus()).contentType(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store").body(body(code, message));
    }

    @ExceptionHandler(PicPeakException.class)
    ResponseEntity<Map<String, Object>> domain(PicPeakException e, HttpServletRequest request) {
        if (e.errorCode().httpStatus() >= 500) {
            log.warn("{}: {}", e.errorCode().code(), e.getMessage(), e);
        }
        if (e.errorCode() == ErrorCode.TOO_MANY_REQUESTS) { // the limit counts per minute
            return ResponseEntity.status(429).contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store")
                    .header("Retry-After", Long.toString(60 - java.time.Instant.now().getEpochSecond() % 60))
                    .body(body(e.errorCode(), e.getMessage()));
        }
        return respond(e.errorCode(), shownMessage(e, request));
    }

    /** The message, or for anyone but the admin the code's guest message where the message may tell of the server. */
    private String shownMessage(PicPeakException e, HttpServletRequest request) {
        String guestMessage = GUEST_MESSAGES.get(e.errorCode());
        if (guestMessage == null || AdminAccess.isAdmin(request, runtime.adminToken())) {
            return e.getMessage();
        }
        if (e.errorCode().httpStatus() < 500) { // logged above otherwise
            log.warn("{}: {}", e.errorCode().code(), e.getMessage());
        }
        return guestMessage;
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Map<String, Object>> tooLarge(MaxUploadSizeExceededException e) {
        return respond(ErrorCode.FILE_TOO_LARGE, "the upload is larger than the limit (PICPEAK_MAX_UPLOAD_BYTES): "
                + "nothing was stored");
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MultipartException.class})
    ResponseEntity<Map<String, Object>> multipart(Exception e) {
        return respond(ErrorCode.INVALID_REQUEST, "send the photos as multipart/form-data in the field 'files' ("
                + e.getMessage() + ")");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return respond(ErrorCode.INVALID_REQUEST, "the request body is not valid JSON of the expected shape");
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<Map<String, Object>> badParameter(Exception e) {
        return respond(ErrorCode.INVALID_REQUEST, e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "method_not_allowed", "message", e.getMessage()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
        return respond(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, Object>> noRoute(NoResourceFoundException e) {
        return respond(ErrorCode.NOT_FOUND, "no route " + e.getHttpMethod() + " /" + e.getResourcePath());
    }

    /** Outside /assets/** no static handler answers, so an unknown path ends here. */
    @ExceptionHandler(NoHandlerFoundException.class)
    ResponseEntity<Map<String, Object>> noHandler(NoHandlerFoundException e) {
        return respond(ErrorCode.NOT_FOUND, "no route " + e.getHttpMethod() + " " + e.getRequestURL());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        log.error("unexpected error", e);
        return respond(ErrorCode.INTERNAL, "the server failed unexpectedly; the log has the details");
    }
}
