package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Objects in one bucket of an S3-compatible store, every key under the configured prefix. Uploads of
 * unknown length are buffered one part at a time: a single PUT when the stream ends within the first
 * part, multipart otherwise ({@link S3Multipart}, the engine of both multipart uses), aborted on any failure
 * so no part is left behind.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final StorageConfig.S3Settings settings;
    private final int partSize;
    private final S3Multipart multipart;

    /**
     * @param partSize      bytes of each multipart part (and the single-PUT threshold)
     * @param partsInFlight parts of one upload sent at the same time; its memory is this many part buffers
     */
    public S3BlobStore(S3Client s3, S3Presigner presigner, StorageConfig.S3Settings settings, int partSize,
                       int partsInFlight) {
        if (partSize < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("S3 multipart parts are at least 5 MiB");
        }
        this.s3 = s3;
        this.presigner = presigner;
        this.settings = settings;
        this.partSize = partSize;
        this.multipart = new S3Multipart(s3, settings.bucket(), partSize, partsInFlight);
    }

    /**
     * A store with its own clients, built from the settings with the standard timeouts; interceptors see
     * every request (benchmarks count them).
     */
    public static S3BlobStore create(StorageConfig.S3Settings settings,
                                     ExecutionInterceptor... interceptors) {
        return new S3BlobStore(S3Clients.client(settings, S3Timeouts.standard(), interceptors),
                S3Clients.presigner(settings), settings, S3Compat.PART_SIZE_BYTES, S3Compat.partsInFlight());
    }

    public StorageConfig.S3Settings settings() {
        return settings;
    }

    @Override
    public BlobRead get(String key, ByteRange range) {
        String fullKey = fullKey(key);
        ResponseInputStream<GetObjectResponse> response;
        try {
            response = s3.getObject(b -> b.bucket(settings.bucket()).key(fullKey)
                    .range(range == null ? null : range.toHeader()));
        } catch (SdkException e) {
            throw translate(e, "read", key);
        }
        GetObjectResponse meta = response.response();
        long first = 0;
        long size = meta.contentLength();
        long last = size - 1;
        if (meta.contentRange() != null) { // "bytes first-last/size"
            String spec = meta.contentRange().substring(meta.contentRange().indexOf(' ') + 1);
            int dash = spec.indexOf('-');
            int slash = spec.indexOf('/');
            first = Long.parseLong(spec.substring(0, dash));
            last = Long.parseLong(spec.substring(dash + 1, slash));
            size = Long.parseLong(spec.substring(slash + 1));
        }
        BlobInfo info = new BlobInfo(key, size, unquote(meta.eTag()), meta.lastModified(),
                meta.contentType(), meta.metadata());
        return new BlobRead(new AbortingOnEarlyClose(response), info, first, last);
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        String fullKey = fullKey(key);
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(settings.bucket()).key(fullKey));
            return Optional.of(new BlobInfo(key, r.contentLength(), unquote(r.eTag()), r.lastModified(),
                    r.contentType(), r.metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || (e.statusCode() == 403 && !listedExactly(fullKey))) {
                // AWS answers a HEAD of a missing key with 403 when s3:ListBucket is granted only under the
                // prefix (the stack's least privilege): a LIST, which carries the prefix, tells the two apart
                return Optional.empty();
            }
            throw translate(e, "inspect", key);
        } catch (SdkException e) {
            throw translate(e, "inspect", key);
        }
    }

    /** Whether a LIST finds exactly this key (false when the LIST is refused too: the HEAD's 403 stands). */
    private boolean listedExactly(String fullKey) {
        try {
            return s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(fullKey).maxKeys(1)).contents().stream()
                    .anyMatch(o -> o.key().equals(fullKey));
        } catch (S3Exception refused) {
            return true;
        }
    }

    @Override
    public StoredBlob put(String key, InputStream content, PutOptions options) {
        String fullKey = fullKey(key);
        String contentType = options.contentType() != null ? options.contentType() : ContentTypes.guess(key);
        HashingInputStream hashing = new HashingInputStream(content);
        byte[] part = new byte[partSize]; // objects that fit one part never need a second buffer
        try {
            int filled = S3Multipart.readFully(hashing, part);
            if (filled < partSize) {
                String sha256 = hashing.sha256Hex();
                options.verify(key, sha256);
                Map<String, String> metadata = new HashMap<>(options.metadata());
                metadata.put(BlobInfo.SHA256, sha256);
                String etag = s3.putObject(b -> b.bucket(settings.bucket()).key(fullKey)
                                .contentType(contentType).metadata(metadata).contentLength((long) filled),
                        RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, filled), filled)).eTag();
                return new StoredBlob(key, filled, sha256, hashing.crc32(), unquote(etag));
            }
            return multipart.upload(key, fullKey, contentType, options, hashing, part, filled);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading the bytes for '" + key
                    + "' failed, nothing was stored: " + e, e);
        } catch (SdkException e) {
            throw translate(e, "write", key);
        }
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        String source = fullKey(sourceKey);
        String target = fullKey(targetKey);
        try {
            s3.copyObject(b -> b.sourceBucket(settings.bucket()).sourceKey(source)
                    .destinationBucket(settings.bucket()).destinationKey(target)
                    .metadataDirective(MetadataDirective.COPY));
        } catch (SdkException e) {
            throw translate(e, "copy", sourceKey);
        }
    }

    @Override
    public void delete(String key) {
        String fullKey = fullKey(key);
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(fullKey));
        } catch (SdkException e) {
            throw translate(e, "delete", key);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        String fullPrefix = settings.prefix().isEmpty()
                ? Keys.validatePrefix(prefix) : settings.prefix() + "/" + Keys.validatePrefix(prefix);
        int strip = settings.prefix().isEmpty() ? 0 : settings.prefix().length() + 1;
        return s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(fullPrefix))
                .contents().stream()
                // "folders" made by web consoles are empty objects ending in '/': not ours, not valid keys
                .filter(o -> !o.key().endsWith("/"))
                .map(o -> listed(o, strip));
    }

    private static BlobInfo listed(S3Object o, int strip) {
        return new BlobInfo(o.key().substring(strip), o.size(), unquote(o.eTag()), o.lastModified(), null, Map.of());
    }

    @Override
    public String startParts(String key, String contentType) {
        try {
            return multipart.start(fullKey(key), contentType);
        } catch (SdkException e) {
            throw translate(e, "start writing", key);
        }
    }

    @Override
    public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content, long length) {
        try {
            return multipart.writePart(key, fullKey(key), uploadId, partNumber, content, length);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading part " + partNumber + " of '" + key
                    + "' failed: " + e, e);
        } catch (IllegalStateException shortContent) { // the SDK's word for a body shorter than its length
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "part " + partNumber + " of '" + key + "' got fewer "
                    + "bytes than the " + length + " promised: nothing of it is kept", shortContent);
        } catch (SdkException e) {
            throw translate(e, "write part " + partNumber + " of", key);
        }
    }

    @Override
    public void completeParts(String key, String uploadId, int parts, List<String> partDigests) {
        try {
            multipart.complete(key, fullKey(key), uploadId, parts, partDigests.isEmpty() ? null : partDigests);
        } catch (SdkException e) {
            throw translate(e, "complete", key);
        }
    }

    @Override
    public void abortParts(String key, String uploadId) {
        try {
            multipart.abort(fullKey(key), uploadId);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) { // NoSuchUpload: aborted or completed already
                throw translate(e, "abort the unfinished", key);
            }
        } catch (SdkException e) {
            throw translate(e, "abort the unfinished", key);
        }
    }

    @Override
    public long minPartBytes() {
        return S3Compat.MIN_PART_BYTES;
    }

    @Override
    public boolean canPresign() {
        return true;
    }

    @Override
    public URI presignGet(String key, Duration validFor, String downloadFileName) {
        String fullKey = fullKey(key);
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(validFor)
                    .getObjectRequest(g -> g.bucket(settings.bucket()).key(fullKey)
                            .responseContentDisposition(downloadFileName == null
                                    ? null : ContentDisposition.attachment(downloadFileName))))
                    .url().toURI();
        } catch (URISyntaxException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "the presigned URL for '" + key + "' is malformed", e);
        }
    }

    @Override
    public URI presignPut(String key, Duration validFor, String contentType) {
        String fullKey = fullKey(key);
        try {
            return presigner.presignPutObject(p -> p.signatureDuration(validFor)
                    .putObjectRequest(o -> o.bucket(settings.bucket()).key(fullKey).contentType(contentType)))
                    .url().toURI();
        } catch (URISyntaxException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "the presigned URL for '" + key + "' is malformed", e);
        }
    }

    @Override
    public String describe() {
        return "s3 " + settings.describe();
    }

    @Override
    public void close() {
        multipart.close();
        presigner.close();
        s3.close();
    }

    /** The one place the configured prefix is applied. */
    String fullKey(String key) {
        Keys.validate(key);
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private PicPeakException translate(SdkException e, String action, String key) {
        if (e instanceof NoSuchKeyException) {
            return new PicPeakException(ErrorCode.NOT_FOUND, "no object at storage key '" + key + "'", e);
        }
        if (e instanceof S3Exception s3e) {
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            if (s3e.statusCode() == 404) {
                return new PicPeakException(ErrorCode.NOT_FOUND, "no object at storage key '" + key + "'", e);
            }
            if (s3e.statusCode() == 416) {
                return new PicPeakException(ErrorCode.RANGE_NOT_SATISFIABLE,
                        "the requested range is outside the object at '" + key + "'", e);
            }
            return new PicPeakException(ErrorCode.STORAGE_FAILURE, "S3 refused to " + action + " '" + key + "': HTTP "
                    + s3e.statusCode() + (code == null ? "" : " " + code) + " from bucket " + settings.bucket(), e);
        }
        if (e instanceof SdkClientException) {
            return new PicPeakException(ErrorCode.STORAGE_UNAVAILABLE, "could not " + action + " '" + key
                    + "': the S3 store did not answer (" + e.getMessage() + ")", e);
        }
        return new PicPeakException(ErrorCode.STORAGE_FAILURE, "could not " + action + " '" + key + "': " + e, e);
    }

    /**
     * Closing a response stream early would otherwise read (drain) the rest of the object to reuse the
     * connection: for a range of a large photo that is worse than dropping the connection.
     */
    private static final class AbortingOnEarlyClose extends FilterInputStream {
        private final ResponseInputStream<?> response;
        private boolean ended;

        AbortingOnEarlyClose(ResponseInputStream<?> response) {
            super(response);
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
