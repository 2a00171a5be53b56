package com.picpeak.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one storage interface: every byte of a photo, thumbnail, hero, watermark or archive is read
 * and written through it. Keys are relative ('/'-separated, validated by {@link Keys#validate}); the
 * local root or the S3 prefix is applied inside each implementation.
 *
 * <p>Errors are {@link com.picpeak.error.PicPeakException}s: {@code INVALID_KEY} for a key that could
 * escape the store, {@code NOT_FOUND}, {@code RANGE_NOT_SATISFIABLE}, {@code INTEGRITY_MISMATCH},
 * {@code STORAGE_FAILURE}/{@code STORAGE_UNAVAILABLE} for the backend itself.
 */
public interface BlobStore extends AutoCloseable {

    /** The whole object as a stream. The caller closes it. */
    default BlobRead get(String key) {
        return get(key, null);
    }

    /** The object, or one byte range of it when {@code range} is not null. The caller closes it. */
    BlobRead get(String key, ByteRange range);

    /** Size, etag, last-modified, content type and user metadata; empty when there is no such object. */
    Optional<BlobInfo> head(String key);

    /**
     * Stores a stream of unknown length without holding it in memory, replacing any object at the key
     * only once the whole stream has been written. sha256 and CRC-32 are computed in the same pass and
     * the sha256 is kept as user metadata {@value BlobInfo#SHA256}. If {@code options} carries an expected
     * sha256 and the bytes differ, nothing is stored and {@code INTEGRITY_MISMATCH} is thrown. A failure
     * of the input leaves nothing behind (no temp file, no unfinished multipart upload).
     */
    StoredBlob put(String key, InputStream content, PutOptions options);

    /** Copies an object with its content type and metadata. */
    void copy(String sourceKey, String targetKey);

    /** Deletes an object; deleting a missing key is not an error. */
    void delete(String key);

    /**
     * Every object whose key starts with {@code prefix} (a plain string prefix, not only a folder),
     * fetched lazily page by page. Entries carry size, etag and last-modified, not user metadata
     * ({@link #head} has it). Order is unspecified. Close the stream when done.
     */
    Stream<BlobInfo> list(String prefix);

    /**
     * Whether an object's etag changes with its bytes (S3: an MD5 of them). A local file's is its size and
     * modification time, which an edit of the same size that keeps the time leaves as it was.
     */
    default boolean etagFollowsContent() {
        return true;
    }

    /**
     * Starts an object written as numbered parts, each in its own call, possibly by different processes and
     * in separate steps of a job: nothing is visible at {@code key} until {@link #completeParts}. Parts are
     * at least {@link #minPartBytes()} long except the last. Returns the id of the unfinished object.
     */
    String startParts(String key, String contentType);

    /**
     * Writes part {@code partNumber} (1-based) of an unfinished object: exactly {@code length} bytes, which
     * start at byte {@code offset} of the object. Writing a part again replaces it (a retried step).
     * Returns the part's hex MD5, checked against what the store reports where it reports one (a part that
     * arrived other than it was sent fails).
     */
    String writePart(String key, String uploadId, int partNumber, long offset, InputStream content, long length);

    /**
     * Makes the object of parts 1..{@code parts} visible at once (the store knows what each part holds). Fails
     * when a part is missing. {@code partDigests}: empty, or the hex MD5 {@link #writePart} returned for each
     * part (recorded by the caller, in part order); a store that reports its parts' MD5s completes nothing when
     * one differs.
     */
    void completeParts(String key, String uploadId, int parts, List<String> partDigests);

    /** Discards an unfinished object and its parts; an unknown or finished id is not an error. */
    void abortParts(String key, String uploadId);

    /** The smallest part but the last that {@link #writePart} accepts (S3: 5 MiB). */
    long minPartBytes();

    /** Whether {@link #presignGet} can issue URLs (S3 yes, local no). */
    boolean canPresign();

    /** A URL anyone can GET the object with until {@code validFor} has passed. */
    URI presignGet(String key, Duration validFor, String downloadFileName);

    /**
     * A URL that accepts one HTTP PUT of the object's bytes (with this Content-Type) until {@code validFor}
     * has passed: direct uploads from a browser to S3, bypassing the API's request size limit.
     */
    URI presignPut(String key, Duration validFor, String contentType);

    /** One line for logs: the backend and where it keeps its objects. */
    String describe();

    @Override
    void close();
}
