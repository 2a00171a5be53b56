package com.picpeak.storage;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;

/**
 * The one home of differences between S3-compatible stores (AWS S3, MinIO, Cloudflare R2, Backblaze B2,
 * Wasabi, DigitalOcean Spaces). Each rule says which store needs it and why; nothing else in the
 * project special-cases a provider.
 *
 * <ul>
 *   <li><b>Path-style addressing</b> ({@code https://host/bucket/key}): MinIO, Ceph and local test servers
 *   have no wildcard DNS for bucket sub-domains. On by default when {@code STORAGE_S3_ENDPOINT} is set;
 *   {@code STORAGE_S3_FORCE_PATH_STYLE} overrides. AWS and R2 also accept it.</li>
 *   <li><b>Checksum trailers</b>: SDK 2.30+ sends CRC32 checksums as aws-chunked trailers on every upload
 *   and validates response checksums. B2, Wasabi, Spaces, older MinIO and R2 (for some operations)
 *   reject or mangle them, so with a custom endpoint checksums are sent only where the API requires them.
 *   Integrity is still checked end to end: every put computes sha256 itself and verifies it.</li>
 *   <li><b>Region {@code auto}</b>: R2 signs with region {@code auto}; it is only meaningful with an endpoint.</li>
 *   <li><b>Batch delete</b>: {@code DeleteObjects} needs a Content-MD5 on some stores (older MinIO, B2)
 *   while the SDK now sends a CRC32 instead; objects are deleted one request each, which all accept.</li>
 *   <li><b>Multipart part size</b>: R2 needs every part but the last to be the same size, everyone needs
 *   at least 5 MiB: parts are a fixed {@link #PART_SIZE_BYTES}; archives built in steps use one fixed part
 *   size of at least {@link #MIN_PART_BYTES} too.</li>
 *   <li><b>CopyObject</b> is limited to 5 GiB on every store; larger objects keep no sha256 metadata unless
 *   the caller supplies the expected hash before the upload.</li>
 * </ul>
 */
final class S3Compat {
    static final int PART_SIZE_BYTES = 8 * 1024 * 1024;
    /** At most this many parts of one upload are sent at once: 4 x 8 MiB fill a fast link. */
    static final int MAX_PARTS_IN_FLIGHT = 4;

    /**
     * Parts in flight for this JVM: one per 64 MiB of heap, 1 to {@link #MAX_PARTS_IN_FLIGHT}, so an upload's
     * buffers stay a small share of any heap (a 64 MB JVM sends one part at a time, a 1 GB Lambda four).
     */
    static int partsInFlight() {
        long perPart = 8L * PART_SIZE_BYTES;
        return (int) Math.max(1, Math.min(MAX_PARTS_IN_FLIGHT, Runtime.getRuntime().maxMemory() / perPart));
    }
    /** S3's smallest multipart part but the last; every compatible store accepts it. */
    static final long MIN_PART_BYTES = 5L * 1024 * 1024;

    /**
     * Whether a part's ETag is its MD5 (32 hex digits). AWS (without KMS), MinIO and R2 answer so; where a
     * store answers something else the MD5 cannot be compared and the archive's CRC checks remain.
     */
    static boolean isMd5(String etag) {
        return etag != null && etag.matches("[0-9a-fA-F]{32}");
    }

    static final long MAX_COPY_OBJECT_BYTES = 5L * 1024 * 1024 * 1024;

    private S3Compat() {
    }

    static boolean pathStyle(StorageConfig.S3Settings settings) {
        return settings.forcePathStyle();
    }

    static RequestChecksumCalculation requestChecksums(StorageConfig.S3Settings settings) {
        return settings.endpoint().isPresent()
                ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED;
    }

    static ResponseChecksumValidation responseChecksums(StorageConfig.S3Settings settings) {
        return settings.endpoint().isPresent()
                ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED;
    }

    static Region region(StorageConfig.S3Settings settings) {
        return Region.of(settings.region());
    }
}
