package com.picpeak.api;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.picpeak.app.AdminToken;
import com.picpeak.app.PicPeakRuntime;
import com.picpeak.app.RequestLimits;
import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import com.picpeak.error.DownloadLimitException;
import com.picpeak.error.TooManyRequestsException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one place errors become {@code {"error": code, "message": ...}} with their HTTP status. 503 (storage or
 * catalog not answering) carries {@code Retry-After}: it is never "missing", only "not now". Messages of failures on
 * the server's side (storage, catalog, integrity, a refused storage key) can name absolute paths, bucket names and
 * endpoints: the admin gets them, anyone else a message of the same code that names none of that (and the log has the
 * details).
 *
 * <p>An error is answered only on a response that has not begun. A route may have set the headers of the object it
 * was about to send (Content-Length, ETag, Content-Disposition, ...) when storage failed: they are dropped, so the
 * error never carries them. Once the body has begun (a Download All streamed from the originals), nothing is written
 * after it, neither here nor by the container's error page: the exception goes on to the container, which ends the
 * connection, and the client sees a download cut short (fewer bytes than Content-Length), never JSON appended. A
 * client that went away itself (closed, reset, timed out), while it sent its body or while it was answered, is one
 * WARN line and nothing else: no stack trace, no ERROR, no error page, never a 500.
 */
@RestControllerAdvice
public class ApiErrors implements WebMvcConfigurer {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    /** Request attribute: its client went away (logged once); nothing more is written for it, error page included. */
    static final String CLIENT_GONE = ApiErrors.class.getName() + ".clientGone";
    /** How long a client waits before asking again when storage did not answer. */
    static final int STORAGE_RETRY_AFTER_SECONDS = 5;
    /** What describes the object a route was sending (lower case): never part of an error answer. */
    private static final Set<String> OBJECT_HEADERS = Set.of("content-length", "content-type", "etag", "last-modified",
            "content-disposition", "content-range", "accept-ranges", "cache-control", "location");
    /** What guests read instead of the message, for the codes whose messages tell of the server's insides. */
    private static final Map<ErrorCode, String> GUEST_MESSAGES = new EnumMap<>(Map.of(
            ErrorCode.STORAGE_FAILURE, "the photo storage failed to answer: try again later (the server's log has the details)",
            ErrorCode.STORAGE_UNAVAILABLE, "the storage or the catalog is not answering right now: try again in a minute",
            ErrorCode.ADMIN_TOKEN_UNAVAILABLE, "the server cannot read its keys right now: try again in 30 seconds",
            ErrorCode.INTERNAL, "the server failed unexpectedly; the log has the details",
            ErrorCode.DOWNLOAD_ALL_FAILED, "the download of all photos could not be prepared: the photographer has been "
                    + "told; it is prepared anew once the gallery changes",
            ErrorCode.INVALID_KEY, "this file cannot be served (the server refused its storage key; its log has the details)",
            ErrorCode.INTEGRITY_MISMATCH, "a stored file does not match its record (the server's log has the details)"));

    private final RequestLimits limits;
    private final PicPeakRuntime runtime;

    public ApiErrors(PicPeakRuntime runtime) {
        this.limits = RequestLimits.of(runtime.appConfig());
        this.runtime = runtime;
    }

    public static Map<String, Object> body(ErrorCode code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code.code());
        body.put("message", message);
        return body;
    }

    /** When to ask again after a 503: storage in a few seconds; an unreadable admin token when it is read again. */
    static long retryAfterSeconds(ErrorCode code) {
        return code == ErrorCode.ADMIN_TOKEN_UNAVAILABLE ? AdminToken.RETRY_AFTER_MISMATCH.toSeconds()
                : STORAGE_RETRY_AFTER_SECONDS;
    }

    static ResponseEntity<Map<String, Object>> respond(ErrorCode code, String message) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(code.httpStatus()).contentType(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store");
        if (code.httpStatus() == 503) {
            answer.header("Retry-After", Long.toString(retryAfterSeconds(code)));
        }
        return answer.body(body(code, message));
    }

    @ExceptionHandler(PicPeakException.class)
    ResponseEntity<Map<String, Object>> domain(PicPeakException e, HttpServletRequest request) {
        if (e.errorCode().httpStatus() >= 500) {
            log.warn("{}: {}", e.errorCode().code(), e.getMessage(), e);
        }
        if (e.errorCode() == ErrorCode.TOO_MANY_REQUESTS) { // how long to wait: the exception's, else to the next minute
            long retryAfter = e instanceof TooManyRequestsException limited ? limited.retryAfterSeconds()
                    : 60 - Instant.now().getEpochSecond() % 60;
            return ResponseEntity.status(429).contentType(MediaType.APPLICATION_JSON).header("Cache-Control", "no-store")
                    .header("Retry-After", Long.toString(retryAfter)).body(body(e.errorCode(), e.getMessage()));
        }
        if (e instanceof DownloadLimitException limited) { // the page and a script learn what they may still ask for
            ResponseEntity<Map<String, Object>> answer = respond(e.errorCode(), e.getMessage());
            answer.getBody().put("remaining", limited.remaining());
            return answer;
        }
        return respond(e.errorCode(), shownMessage(e, request));
    }

    /** The message, or for anyone but the admin the code's guest message where the message may tell of the server. */
    private String shownMessage(PicPeakException e, HttpServletRequest request) {
        String guestMessage = GUEST_MESSAGES.get(e.errorCode());
        if (guestMessage == null || AdminAccess.isAdmin(request, runtime.adminTokenChecker())) {
            return e.getMessage();
        }
        if (e.errorCode().httpStatus() < 500) { // logged above otherwise
            log.warn("{}: {}", e.errorCode().code(), e.getMessage());
        }
        return guestMessage;
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
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof PicPeakException refused) { // the body limit, crossed while the JSON was read
                return domain(refused, request);
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

    /** Runs before the {@code @ExceptionHandler}s: see the class comment. */
    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        resolvers.add(0, ApiErrors::guardCommitted);
    }

    /** The container's error page (Spring Boot's /error) writes nothing into a response that has begun either. */
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                boolean nothingToWrite = response.isCommitted() || request.getAttribute(CLIENT_GONE) != null;
                return !(nothingToWrite && handler instanceof HandlerMethod method
                        && method.getBean() instanceof ErrorController);
            }
        });
    }

    private static ModelAndView guardCommitted(HttpServletRequest request, HttpServletResponse response, Object handler,
                                               Exception e) {
        Throwable gone = clientGone(e);
        if (gone != null) { // nothing to answer, nothing to end: one line, no stack trace, the request handled
            boolean reading = Arrays.stream(gone.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("InputBuffer"));
            log.warn("{} {}: the client went away {} ({})", request.getMethod(), request.getRequestURI(),
                    reading ? "while it sent its request body" : "after the answer had begun", oneLine(gone));
            request.setAttribute(CLIENT_GONE, Boolean.TRUE); // and the container's error page writes nothing either
            if (!response.isCommitted()) {
                response.setStatus(reading ? 400 : response.getStatus()); // never a 500: the server did not fail
            }
            return new ModelAndView();
        }
        if (response.isCommitted()) {
            log.warn("{} {} failed after its answer had begun: the connection is ended ({})", request.getMethod(),
                    request.getRequestURI(), e.toString());
            throw new AnswerCutOff(e);
        }
        dropObjectHeaders(response);
        return null; // answered by the handlers above
    }

    /**
     * The cause that says the client is gone (closed, reset, timed out on its side), or null: Spring's
     * AsyncRequestNotUsableException, or the container's own (Tomcat's ClientAbortException, named by its simple
     * name to keep Tomcat off the compile path, as the multipart limits are).
     */
    static Throwable clientGone(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getSimpleName();
            if (name.equals("ClientAbortException") || name.equals("EofException")) {
                return cause;
            }
            if (cause instanceof AsyncRequestNotUsableException) {
                Throwable deeper = clientGone(cause.getCause());
                return deeper != null ? deeper : cause;
            }
        }
        return null;
    }

    /** An exception as one log line: its type and message, the message's own lines joined. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return e.getClass().getSimpleName() + message;
    }

    /** Every header but those of the object; an unsatisfiable range's {@code Content-Range} is the 416's own. */
    private static void dropObjectHeaders(HttpServletResponse response) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            String value = response.getHeader(name);
            boolean unsatisfiedRange = name.equalsIgnoreCase("Content-Range") && value != null && value.startsWith("bytes */");
            if (unsatisfiedRange || !OBJECT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                kept.put(name, new ArrayList<>(response.getHeaders(name)));
            }
        }
        response.reset();
        kept.forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
    }

    /** An error after the answer had begun: it goes on to the container, which ends the connection. */
    static final class AnswerCutOff extends RuntimeException {
        private static final long serialVersionUID = 1L;
        AnswerCutOff(Exception cause) {
            super("the answer had begun when this failed: " + cause, cause);
        }
    }
}
