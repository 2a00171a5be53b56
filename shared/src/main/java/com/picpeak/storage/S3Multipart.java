package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * S3 multipart uploads, the two ways {@link S3BlobStore} uses them: a stream of unknown length uploaded in one
 * call with a few parts in flight ({@link #upload}), and an object written in parts by separate calls, possibly
 * by separate processes ({@link #start}, {@link #writePart}, {@link #complete}, {@link #abort}). Keys here are
 * full keys (the prefix applied); SDK errors go back to the store, which translates them.
 */
final class S3Multipart implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Multipart.class);

    private final S3Client s3;
    private final String bucket;
    private final int partSize;
    private final int partsInFlight;
    private final ExecutorService partUploader;

    S3Multipart(S3Client s3, String bucket, int partSize, int partsInFlight) {
        this.s3 = s3;
        this.bucket = bucket;
        this.partSize = partSize;
        this.partsInFlight = Math.max(1, partsInFlight);
        this.partUploader = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "s3-part-upload");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Uploads the rest of {@code hashing} after its first part (already read into {@code firstPart}), up to
     * {@code partsInFlight} parts at once: memory is that many part buffers. Aborted on any failure.
     */
    StoredBlob upload(String key, String fullKey, String contentType, PutOptions options, HashingInputStream hashing,
                      byte[] firstPart, int firstFill) throws IOException {
        Map<String, String> metadata = new HashMap<>(options.metadata());
        // The hash is known up front only when the caller says what it must be (migration does).
        options.expectedSha256().ifPresent(sha -> metadata.put(BlobInfo.SHA256, sha));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(fullKey)
                .contentType(contentType).metadata(metadata)).uploadId();
        String sha256;
        String etag;
        List<Future<CompletedPart>> uploads = new ArrayList<>();
        try {
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
            etag = s3.completeMultipartUpload(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))).eTag();
        } catch (IOException | RuntimeException e) {
            uploads.forEach(upload -> upload.cancel(true));
            abortQuietly(fullKey, uploadId);
            throw e;
        }
        if (options.expectedSha256().isEmpty()) {
            etag = recordSha256(key, fullKey, contentType, metadata, sha256, hashing.count(), etag);
        }
        return new StoredBlob(key, hashing.count(), sha256, hashing.crc32(), S3BlobStore.unquote(etag));
    }

    String start(String fullKey, String contentType) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(fullKey).contentType(contentType)).uploadId();
    }

    /** Streams the part (its length is known): no buffer. A part ETag that is an MD5 must be the one sent. */
    String writePart(String key, String fullKey, String uploadId, int partNumber, InputStream content, long length)
            throws IOException {
        try (var digesting = PartDigest.md5(content, length)) {
            String etag = S3BlobStore.unquote(s3.uploadPart(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId)
                    .partNumber(partNumber).contentLength(length), RequestBody.fromInputStream(digesting, length)).eTag());
            String sent = PartDigest.hex(digesting);
            if (S3Compat.isMd5(etag) && !etag.equalsIgnoreCase(sent)) {
                throw PartDigest.mismatch(key, partNumber, etag, sent);
            }
            return sent;
        }
    }

    /**
     * Completes parts 1..{@code parts} with the ETags from the store's own list of them (ListParts, a page per
     * 1,000 parts). Where the caller recorded each part's MD5 ({@code digests}, by part number - 1) and the
     * store's ETag is an MD5, they must agree: a part that is not what was written completes nothing.
     */
    void complete(String key, String fullKey, String uploadId, int parts, List<String> digests) {
        List<CompletedPart> written = new ArrayList<>();
        s3.listPartsPaginator(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId)).parts()
                .forEach(p -> written.add(CompletedPart.builder().partNumber(p.partNumber()).eTag(p.eTag()).build()));
        written.sort(Comparator.comparing(CompletedPart::partNumber));
        for (int i = 0; i < parts; i++) {
            if (written.size() <= i || written.get(i).partNumber() != i + 1) {
                throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "part " + (i + 1) + " of " + parts + " of '"
                        + key + "' is not in the store: nothing was completed");
            }
            String etag = S3BlobStore.unquote(written.get(i).eTag());
            if (digests != null && digests.get(i) != null && S3Compat.isMd5(etag) && !etag.equalsIgnoreCase(digests.get(i))) {
                throw PartDigest.mismatch(key, i + 1, etag, digests.get(i));
            }
        }
        List<CompletedPart> ours = written.subList(0, parts);
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId)
                .multipartUpload(m -> m.parts(ours)));
    }

    void abort(String fullKey, String uploadId) {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId));
    }

    private Future<CompletedPart> uploadPart(String fullKey, String uploadId, int partNumber, byte[] buffer,
                                             int length, BlockingQueue<byte[]> freeBuffers) {
        return partUploader.submit(() -> {
            try {
                String partEtag = s3.uploadPart(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId)
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
        return s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(fullKey)
                .destinationBucket(bucket).destinationKey(fullKey)
                .metadataDirective(MetadataDirective.REPLACE).contentType(contentType).metadata(withHash)
                .copySourceIfMatch(etag)).copyObjectResult().eTag();
    }

    private void abortQuietly(String fullKey, String uploadId) {
        try {
            abort(fullKey, uploadId);
        } catch (SdkException e) {
            // The bucket's lifecycle rule for incomplete uploads (see the CDK stack) is the backstop.
            log.warn("could not abort multipart upload {} of {}: {}", uploadId, fullKey, e.toString());
        }
    }

    static int readFully(InputStream in, byte[] buffer) throws IOException {
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

    @Override
    public void close() {
        partUploader.shutdownNow();
    }
}
