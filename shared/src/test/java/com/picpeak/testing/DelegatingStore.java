package com.picpeak.testing;

import com.picpeak.storage.BlobInfo;
import com.picpeak.storage.BlobRead;
import com.picpeak.storage.BlobStore;
import com.picpeak.storage.ByteRange;
import com.picpeak.storage.PutOptions;
import com.picpeak.storage.StoredBlob;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A store that behaves like another one, for the faults a test injects (override what should fail). */
public class DelegatingStore implements BlobStore {
    private final BlobStore inner;

    public DelegatingStore(BlobStore inner) {
        this.inner = inner;
    }

    public BlobRead get(String key, ByteRange range) {
        return inner.get(key, range);
    }

    public Optional<BlobInfo> head(String key) {
        return inner.head(key);
    }

    public StoredBlob put(String key, InputStream content, PutOptions options) {
        return inner.put(key, content, options);
    }

    public void copy(String sourceKey, String targetKey) {
        inner.copy(sourceKey, targetKey);
    }

    public void delete(String key) {
        inner.delete(key);
    }

    public Stream<BlobInfo> list(String prefix) {
        return inner.list(prefix);
    }

    public String startParts(String key, String contentType) {
        return inner.startParts(key, contentType);
    }

    public String writePart(String key, String uploadId, int partNumber, long offset, InputStream content,
                            long length) {
        return inner.writePart(key, uploadId, partNumber, offset, content, length);
    }

    public void completeParts(String key, String uploadId, int parts, List<String> partDigests) {
        inner.completeParts(key, uploadId, parts, partDigests);
    }

    public void abortParts(String key, String uploadId) {
        inner.abortParts(key, uploadId);
    }

    public long minPartBytes() {
        return inner.minPartBytes();
    }

    public boolean canPresign() {
        return inner.canPresign();
    }

    public URI presignGet(String key, Duration validFor, String downloadFileName) {
        return inner.presignGet(key, validFor, downloadFileName);
    }

    public URI presignPut(String key, Duration validFor, String contentType) {
        return inner.presignPut(key, validFor, contentType);
    }

    public String describe() {
        return inner.describe();
    }

    public void close() {
        inner.close();
    }
}
