package com.picpeak.storage;

import com.picpeak.error.ErrorCode;
import com.picpeak.error.PicPeakException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The MD5 of a part as it is written, and the check that exactly the promised number of bytes came. */
final class PartDigest {
    private PartDigest() {
    }

    static DigestInputStream md5(InputStream content, long length) {
        try {
            return new DigestInputStream(new BoundedInputStream(content, length), MessageDigest.getInstance("MD5"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    static String hex(DigestInputStream stream) {
        return HexFormat.of().formatHex(stream.getMessageDigest().digest());
    }

    /** Copies the part, failing when the content ends before {@code length} bytes. */
    static long copy(InputStream in, OutputStream out, String key, int partNumber, long length) throws IOException {
        long copied = in.transferTo(out);
        if (copied != length) {
            throw shortPart(key, partNumber, copied, length);
        }
        return copied;
    }

    static PicPeakException shortPart(String key, int partNumber, long copied, long length) {
        return new PicPeakException(ErrorCode.STORAGE_FAILURE, "part " + partNumber + " of '" + key + "' got "
                + copied + " bytes, " + length + " were promised: nothing of it is kept");
    }

    static PicPeakException mismatch(String key, int partNumber, String stored, String sent) {
        return new PicPeakException(ErrorCode.INTEGRITY_MISMATCH, "part " + partNumber + " of '" + key
                + "' was stored with MD5 " + stored + " but " + sent + " was sent");
    }
}
