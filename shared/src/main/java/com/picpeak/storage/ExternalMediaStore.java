package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The backend plus the read-only folder of referenced originals ({@code EXTERNAL_MEDIA_ROOT}). Keys under
 * {@value Keys#EXTERNAL_PREFIX} are files of that folder (resolved by a {@link LocalBlobStore}, so '..' and
 * symlinks leading out of the root are refused); every other key is the backend's. Nothing is ever written
 * or deleted under the external root: the photographer's folder stays theirs. A listing of anything but an
 * external prefix is the backend's alone, so migrations and backups never see referenced files.
 */
public final class ExternalMediaStore implements BlobStore {
    private final BlobStore backend;
    private final LocalBlobStore external;

    public ExternalMediaStore(BlobStore backend, Path externalRoot) {
        this.backend = backend;
        this.external = new LocalBlobStore(externalRoot);
    }

    public static boolean isExternal(String key) {
        return key != null && key.startsWith(Keys.EXTERNAL_PREFIX);
    }

    private static String inRoot(String key) {
        return key.substring(Keys.EXTERNAL_PREFIX.length());
    }

    @Override
    public BlobRead get(String key, ByteRange range) {
        return isExternal(key) ? external.get(inRoot(key), range) : backend.get(key, range);
    }

    /** The backend's (the referenced files are never re-imported in place, their rows are the folder's). */
    @Override
    public boolean etagFollowsContent() {
        return backend.etagFollowsContent();
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        if (!isExternal(key)) {
            return backend.head(key);
        }
        return external.head(inRoot(key)).map(info -> new BlobInfo(key, info.size(), info.etag(), info.lastModified(),
                info.contentType(), info.metadata()));
    }

    @Override
    public StoredBlob put(String key, InputStream content, PutOptions options) {
        refuseWrite(key);
        return backend.put(key, content, options);
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        refuseWrite(targetKey);
        if (isExternal(sourceKey)) {
            try (BlobRead read = get(sourceKey)) {
                backend.put(targetKey, read.stream(), PutOptions.of(read.info().contentType()));
            } catch (IOException e) {
                throw new PicPeakException(ErrorCode.STORAGE_FAILURE, "reading '" + sourceKey + "' failed: " + e, e);
            }
            return;
        }
        backend.copy(sourceKey, targetKey);
    }

    /** Deleting a referenced original only forgets it in the catalog (the caller's part): the file stays. */
    @Override
    public void delete(String key) {
        if (!isExternal(key)) {
            backend.delete(key);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        if (!isExternal(prefix)) {
            return backend.list(prefix);
        }
        return external.list(inRoot(prefix)).map(info -> new BlobInfo(Keys.EXTERNAL_PREFIX + info.key(), info.size(),
                info.etag(), info.lastModified(), info.contentType(), info.metadata()));
    }

    /** Referenced files are never written: unfinished objects are the backend's. */
    @Override
    public String startParts(String key, String contentType) {
        return backend.startParts(key, contentType);
    }

    @Override
    public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content, long length) {
        return backend.writePart(key, uploadId, partNumber, offset, content, length);
    }

    @Override
    public void completeParts(String key, String uploadId, int parts, List<String> partDigests) {
        backend.completeParts(key, uploadId, parts, partDigests);
    }

    @Override
    public void abortParts(String key, String uploadId) {
        backend.abortParts(key, uploadId);
    }

    @Override
    public long minPartBytes() {
        return backend.minPartBytes();
    }

    @Override
    public boolean canPresign() {
        return backend.canPresign();
    }

    /** Referenced originals are not in the backend: they are always streamed by the server. */
    @Override
    public URI presignGet(String key, Duration validFor, String downloadFileName) {
        if (isExternal(key)) {
            throw new PicPeakException(ErrorCode.PRESIGN_UNSUPPORTED, "'" + key + "' is a referenced file of "
                    + "EXTERNAL_MEDIA_ROOT: it is streamed through the server, never presigned");
        }
        return backend.presignGet(key, validFor, downloadFileName);
    }

    @Override
    public URI presignPut(String key, Duration validFor, String contentType) {
        refuseWrite(key);
        return backend.presignPut(key, validFor, contentType);
    }

    @Override
    public String describe() {
        return backend.describe() + " + referenced media in " + external.root();
    }

    private static void refuseWrite(String key) {
        if (isExternal(key)) {
            throw new PicPeakException(ErrorCode.INVALID_KEY, "'" + key + "' is under EXTERNAL_MEDIA_ROOT, which is "
                    + "read-only for PicPeak");
        }
    }

    @Override
    public void close() {
        try {
            backend.close();
        } finally {
            external.close();
        }
    }
}
