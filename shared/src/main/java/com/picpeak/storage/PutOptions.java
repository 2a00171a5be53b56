package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Content type and user metadata of a put. Metadata names are lower-case ASCII (S3 folds them), values
 * printable ASCII. An {@code expectedSha256} makes the put verify the bytes before anything becomes visible.
 */
public record PutOptions(String contentType, Map<String, String> metadata, Optional<String> expectedSha256) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e]{0,1024}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public PutOptions {
        metadata = Map.copyOf(metadata);
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches() || !VALUE.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("metadata '" + e.getKey()
                        + "' must have a lower-case [a-z0-9-] name and a printable ASCII value");
            }
        }
        if (metadata.containsKey(BlobInfo.SHA256)) {
            throw new IllegalArgumentException("sha256 metadata is computed by the store; pass expectedSha256");
        }
        expectedSha256 = expectedSha256.map(s -> s.toLowerCase(Locale.ROOT));
        expectedSha256.ifPresent(s -> {
            if (!SHA256_HEX.matcher(s).matches()) {
                throw new IllegalArgumentException("expectedSha256 must be 64 hex digits");
            }
        });
    }

    /** Throws INTEGRITY_MISMATCH (so the store keeps nothing) when the bytes are not the ones expected. */
    public void verify(String key, String actualSha256) {
        expectedSha256.ifPresent(expected -> {
            if (!expected.equals(actualSha256)) {
                throw new PicPeakException(ErrorCode.INTEGRITY_MISMATCH,
                        "the bytes for '" + key + "' have sha256 " + actualSha256 + " but " + expected
                                + " was expected: nothing was stored");
            }
        });
    }

    public static PutOptions of(String contentType) {
        return new PutOptions(contentType, Map.of(), Optional.empty());
    }

    public PutOptions withMetadata(String name, String value) {
        Map<String, String> copy = new HashMap<>(metadata);
        copy.put(name, value);
        return new PutOptions(contentType, copy, expectedSha256);
    }

    public PutOptions expectingSha256(String sha256Hex) {
        return new PutOptions(contentType, metadata, Optional.of(sha256Hex));
    }
}
