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
import software.amazon.awssdk.services.s3.model.CompletedPart;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Objects in one bucket of an S3-compatible store, every key under the configured prefix. Uploads of
 * unknown length are buffered one part at a time: a single PUT when the stream ends within the first
 * part, multipart otherwise, aborted on any failure so no part is left behind.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final StorageConfig.S3Settings settings;
    private final int partSize;
    private final int partsInFlight;
    private final ExecutorService partUploader;

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
        this.partsInFlight = Math.max(1, partsInFlight);
        this.partUploader = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "s3-part-upload");
            thread.setDaemon(true);
            return thread;
        });
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
            int filled = readFully(hashing, part);
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
            return putMultipart(key, fullKey, contentType, options, hashing, part, filled);
        } catch (IOException e) {
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading the bytes for '" + key
                    + "' failed, nothing was stored: " + e, e);
        } catch (SdkException e) {
            throw translate(e, "write", key);
        }
    }

    private StoredBlob putMultipart(String key, String fullKey, String contentType, PutOptions options,
                                    HashingInputStream hashing, byte[] firstPart, int firstFill) throws IOException {
        Map<String, String> metadata = new HashMap<>(options.metadata());
        // The hash is known up front only when the caller says what it must be (migration does).
        options.expectedSha256().ifPresent(sha -> metadata.put(BlobInfo.SHA256, sha));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey)
                .contentType(contentType).metadata(metadata)).uploadId();
        String sha256;
        String etag;
        List<Future<CompletedPart>> uploads = new ArrayList<>();
        try {
            // Up to partsInFlight parts upload while the next is read: memory is partsInFlight buffers.
            BlockingQueue<byte[]> freeBuffers = new ArrayBlockingQueue<>(partsInFlight);
            int allocated = 1;
            byte[] buffer = firstPart;
            int filled = firstFill;
            while (filled > 0) {
                uploads.add(uploadPart(fullKey, uploadId, uploads.size() + 1, buffer, filled, freeBuffers));
                if (allocated < partsInFlight) {
                    buffer = new byte[partSize];
                    allocated++;
                } else {
                    buffer = takeBuffer(freeBuffers, uploads);
                }
                filled = readFully(hashing, buffer);
            }
            List<CompletedPart> parts = new ArrayList<>();
            for (Future<CompletedPart> upload : uploads) {
                parts.add(await(upload));
            }
            sha256 = hashing.sha256Hex();
            options.verify(key, sha256);
            etag = s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))).eTag();
        } catch (IOException | RuntimeException e) {
            uploads.forEach(upload -> upload.cancel(true));
            abortQuietly(fullKey, uploadId);
            throw e;
        }
        if (options.expectedSha256().isEmpty()) {
            etag = recordSha256(key, fullKey, contentType, metadata, sha256, hashing.count(), etag);
        }
        return new StoredBlob(key, hashing.count(), sha256, hashing.crc32(), unquote(etag));
    }

    private Future<CompletedPart> uploadPart(String fullKey, String uploadId, int partNumber, byte[] buffer,
                                             int length, BlockingQueue<byte[]> freeBuffers) {
        return partUploader.submit(() -> {
            try {
                String partEtag = s3.uploadPart(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId)
                                .partNumber(partNumber).contentLength((long) length),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length)).eTag();
                return CompletedPart.builder().partNumber(partNumber).eTag(partEtag).build();
            } finally {
                freeBuffers.offer(buffer);
            }
        });
    }

    /** The next free part buffer; fails fast if an upload in flight has failed. */
    private static byte[] takeBuffer(BlockingQueue<byte[]> freeBuffers, List<Future<CompletedPart>> uploads) {
        try {
            while (true) {
                byte[] buffer = freeBuffers.poll(200, TimeUnit.MILLISECONDS);
                if (buffer != null) {
                    return buffer;
                }
                for (Future<CompletedPart> upload : uploads) {
                    if (upload.isDone()) {
                        await(upload); // throws if that part failed
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "interrupted while uploading", e);
        }
    }

    private static CompletedPart await(Future<CompletedPart> upload) {
        try {
            return upload.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "interrupted while uploading", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "a part upload failed: " + e.getCause(), e);
        }
    }

    /** Multipart metadata is fixed before the bytes are seen: add the hash by copying the object onto itself. */
    private String recordSha256(String key, String fullKey, String contentType, Map<String, String> metadata,
                                String sha256, long size, String etag) {
        if (size > S3Compat.MAX_COPY_OBJECT_BYTES) {
            log.warn("{} is over 5 GiB: stored without sha256 metadata (pass the expected hash to keep it)", key);
            return etag;
        }
        Map<String, String> withHash = new HashMap<>(metadata);
        withHash.put(BlobInfo.SHA256, sha256);
        return s3.copyObject(b -> b.sourceBucket(settings.bucket()).sourceKey(fullKey)
                .destinationBucket(settings.bucket()).destinationKey(fullKey)
                .metadataDirective(MetadataDirective.REPLACE).contentType(contentType).metadata(withHash)
                .copySourceIfMatch(etag)).copyObjectResult().eTag();
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
        String fullKey = fullKey(key);
        try {
            return s3.createMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey).contentType(contentType))
                    .uploadId();
        } catch (SdkException e) {
            throw translate(e, "start writing", key);
        }
    }

    /** Streams the part (its length is known): no buffer. A part ETag that is an MD5 must be the one sent. */
    @Override
    public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content, long length) {
        String fullKey = fullKey(key);
        try (var digesting = PartDigest.md5(content, length)) {
            String etag = unquote(s3.uploadPart(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId)
                    .partNumber(partNumber).contentLength(length), RequestBody.fromInputStream(digesting, length)).eTag());
            String sent = PartDigest.hex(digesting);
            if (S3Compat.isMd5(etag) && !etag.equalsIgnoreCase(sent)) {
                throw PartDigest.mismatch(key, partNumber, etag, sent);
            }
            return sent;
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

    /** The parts' ETags come from the store's own list of them (ListParts, a page per 1,000 parts). */
    @Override
    public void completeParts(String key, String uploadId, int parts) {
        String fullKey = fullKey(key);
        try {
            List<CompletedPart> written = new ArrayList<>();
            s3.listPartsPaginator(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId)).parts()
                    .forEach(p -> written.add(CompletedPart.builder().partNumber(p.partNumber()).eTag(p.eTag()).build()));
            written.sort(Comparator.comparing(CompletedPart::partNumber));
            for (int i = 0; i < parts; i++) {
                if (written.size() <= i || written.get(i).partNumber() != i + 1) {
                    throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "part " + (i + 1) + " of " + parts + " of '"
                            + key + "' is not in the store: nothing was completed");
                }
            }
            List<CompletedPart> ours = written.subList(0, parts);
            s3.completeMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(ours)));
        } catch (SdkException e) {
            throw translate(e, "complete", key);
        }
    }

    @Override
    public void abortParts(String key, String uploadId) {
        String fullKey = fullKey(key);
        try {
            s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId));
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
        partUploader.shutdownNow();
        presigner.close();
        s3.close();
    }

    /** The one place the configured prefix is applied. */
    String fullKey(String key) {
        Keys.validate(key);
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    private void abortQuietly(String fullKey, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(fullKey).uploadId(uploadId));
        } catch (SdkException e) {
            // The bucket's lifecycle rule for incomplete uploads (see the CDK stack) is the backstop.
            log.warn("could not abort multipart upload {} of {}: {}", uploadId, fullKey, e.toString());
        }
    }

    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }


    private static String unquote(String etag) {
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
