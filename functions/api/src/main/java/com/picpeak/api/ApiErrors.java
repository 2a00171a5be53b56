package com.picpeak.api;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.app.RequestLimits;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.TooManyRequestsException;
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

import java.util.LinkedHashMap;
import java.util.Map;

/** The one place errors become {@code {"error": code, "message": ...}} with their HTTP status. */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private final RequestLimits limits;

    public ApiErrors(PicPeakRuntime runtime) {
        this.limits = RequestLimits.of(runtime.appConfig());
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
    ResponseEntity<Map<String, Object>> domain(PicPeakException e) {
        if (e.errorCode().httpStatus() >= 500) {
            log.warn("{}: {}", e.errorCode().code(), e.getMessage(), e);
        }
        if (e.errorCode() == ErrorCode.TOO_MANY_REQUESTS) { // how long to wait: the exception's, else to the next minute
            long retryAfter = e instanceof TooManyRequestsException limited ? limited.retryAfterSeconds()
                    : 60 - java.time.Instant.now().getEpochSecond() % 60;
            return ResponseEntity.status(429).contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store")
                    .header("Retry-After", Long.toString(retryAfter)).body(body(e.errorCode(), e.getMessage()));
        }
        return respond(e.errorCode(), e.getMessage());
    }

    /**
     * The container stopped reading a multipart body at a limit of the multipart configuration: one file's (Tomcat's
     * FileSizeLimitExceededException, named here to keep Tomcat off the compile path) or the whole request's.
     */
    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Map<String, Object>> tooLarge(MaxUploadSizeExceededException e) {
        boolean oneFile = false;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            oneFile |= cause.getClass().getSimpleName().equals("FileSizeLimitExceededException");
        }
        PicPeakException refusal = (oneFile ? limits.uploadFile() : limits.uploadRequest()).refusal(-1);
        return respond(refusal.errorCode(), refusal.getMessage());
    }

    @ExceptionHandler({MissingServletRequestPartException.class, MultipartException.class})
    ResponseEntity<Map<String, Object>> multipart(Exception e) {
        return respond(ErrorCode.INVALID_REQUEST, "send the photos as multipart/form-data in the field 'files' ("
                + e.getMessage() + ")");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof PicPeakException refused) { // the body limit, crossed while the JSON was read
                return domain(refused);
            }
            if (cause instanceof StreamConstraintsException constraint) {
                return respond(ErrorCode.INVALID_REQUEST, "the request body is JSON this server does not take ("
                        + constraint.getOriginalMessage() + "): bodies here nest at most "
                        + RequestLimits.JSON_MAX_NESTING_DEPTH + " levels, numbers have at most "
                        + RequestLimits.JSON_MAX_NUMBER_LENGTH + " digits");
            }
        }
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
