package com.picpeak.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
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
